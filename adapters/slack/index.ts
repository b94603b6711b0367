/**
 * The Slack adapter: a bolt App over HTTP (`/slack/events`, signature-checked) or Socket Mode when an
 * app token is configured. The only module tree that imports `@slack/bolt`. Two ways to be installed:
 * single-workspace (`SLACK_BOT_TOKEN`: one workspace, every other team refused) or OAuth (oauth.ts:
 * Bolt's install flow, one installation per workspace in Postgres, each event answered with its own
 * workspace's bot token).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Authorize, HTTPReceiver, webApi } from '@slack/bolt';
import type { BotCore, ChannelRef, PlatformAdapter, Reply } from '../../src/bot/types.ts';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import type { Logger } from '../../src/logger.ts';
import { HEALTH_PATH, METRICS_PATH, type OpsRequestHandler } from '../../src/ops/http.ts';
import { boltLogger } from './bolt-logger.ts';
import { postToChannel } from './deliver.ts';
import { registerListeners } from './handlers.ts';
import type { SlackInstallationStore } from './installation-store.ts';
import { oauthSetup } from './oauth.ts';
import { guardRequests } from './request-guard.ts';

export type SlackAdapterConfig = NonNullable<Config['slack']>;

export interface SlackAdapterDeps {
  logger: Logger;
  /** HTTP port (config.port, `PORT`); 0 picks a free one. Unused in Socket Mode. */
  port: number;
  /** Interface to listen on; all interfaces by default. */
  host?: string;
  /** Web API retry policy (tests shorten it); Slack's 429 + Retry-After is always honoured. */
  retryConfig?: webApi.RetryOptions;
  /**
   * `/healthz` and `/metrics` (src/ops), served on the HTTP receiver's port: in HTTP mode the receiver
   * owns `PORT`. Without it `/healthz` answers a bare ok.
   */
  opsHandler?: OpsRequestHandler;
  /** Clock for the signed-timestamp window (tests); `Date.now` by default. */
  nowMs?: () => number;
  /** The database, for the installation store: required in OAuth mode. */
  db?: Database;
}

/** A running Slack adapter; `port` and `idle()` serve tests and health checks. */
export interface SlackAdapter extends PlatformAdapter {
  /** The port the HTTP receiver listens on, once started (undefined in Socket Mode). */
  readonly port: number | undefined;
  /** Resolves when every event received so far has been fully handled and answered. */
  idle(): Promise<void>;
  postToChannel(channel: ChannelRef, reply: Reply): Promise<boolean>;
}

/** The request path Slack posts events, commands and interactions to. */
export const SLACK_EVENTS_PATH = '/slack/events';
/** Answers Slack's acknowledgement deadline (3 s) before Slack gives up on us. */
const UNHANDLED_REQUEST_TIMEOUT_MS = 2500;
/** A bounded retry policy: a few tries with back-off rather than web-api's default of 30 minutes. */
const DEFAULT_RETRY: webApi.RetryOptions = { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 10_000 };

/**
 * Creates the Slack adapter. Nothing talks to Slack until an event arrives: the bot identity
 * (`auth.test`) is fetched on first use and cached, so start-up works offline and against fakes.
 */
export function createSlackAdapter(config: SlackAdapterConfig, deps: SlackAdapterDeps): SlackAdapter {
  if (config.oauth && !deps.db)
    throw new Error('Slack OAuth mode needs the database for its installation store');
  if (!config.oauth && !config.botToken) throw new Error('Slack needs SLACK_BOT_TOKEN or the OAuth settings');
  const logger = deps.logger.child({ platform: 'slack' });
  const inflight = new Set<Promise<unknown>>();
  let core: BotCore | undefined;
  let app: App | undefined;
  /** A bot-token client for messages the bot starts itself (poll results) in a workspace. */
  let poster: ((team: string) => Promise<webApi.WebClient | undefined>) | undefined;
  /** OAuth mode: the workspaces' installations. */
  let installations: SlackInstallationStore | undefined;
  /** Single-workspace mode: the bot token's workspace. */
  let servedTeam: (() => Promise<string | undefined>) | undefined;
  let server: Server | undefined;
  let stopping = false;

  const track = (work: Promise<unknown>) => {
    const p = work.catch((error) => logger.error({ err: error }, 'Slack handler failed'));
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const idle = async () => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  };

  function build(): App {
    const log = boltLogger(logger);
    const clientOptions: webApi.WebClientOptions = {
      retryConfig: deps.retryConfig ?? DEFAULT_RETRY,
      ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    };
    const receiverOptions = {
      signingSecret: config.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      port: deps.port,
      logger: log,
      unhandledRequestTimeoutMillis: UNHANDLED_REQUEST_TIMEOUT_MS,
      customRoutes: opsRoutes(deps.opsHandler),
    };
    const guard = (
      receiver: HTTPReceiver,
      teamAllowed: (team: string, lifecycle: boolean) => Promise<boolean>,
    ) => {
      receiver.requestListener = guardRequests(receiver.requestListener, {
        signingSecret: config.signingSecret,
        path: SLACK_EVENTS_PATH,
        teamAllowed,
        logger,
        ...(deps.nowMs ? { nowMs: deps.nowMs } : {}),
      });
    };
    if (config.oauth) {
      const oauth = oauthSetup(config.oauth, deps.db!, { ...clientOptions, logger: log }, logger);
      const store = oauth.store;
      installations = store;
      const receiver = new HTTPReceiver({ ...receiverOptions, ...oauth.receiverOptions });
      const installer = receiver.installer!;
      // A workspace without an installation is refused; losing one must still be heard.
      guard(receiver, async (team, lifecycle) => lifecycle || (await store.hasTeam(team)));
      poster = async (team) => {
        // Through the installer: a token about to expire is rotated first, as for events.
        const auth = await installer.authorize({
          teamId: team,
          enterpriseId: undefined,
          isEnterpriseInstall: false,
        });
        return auth.botToken
          ? new webApi.WebClient(auth.botToken, { ...clientOptions, logger: log })
          : undefined;
      };
      return new App({ logger: log, clientOptions, receiver });
    }
    const botToken = config.botToken!;
    const identity = lazyBotIdentity(botToken, clientOptions, log);
    servedTeam = identity.team;
    const client = new webApi.WebClient(botToken, { ...clientOptions, logger: log });
    // One workspace, one token (as before OAuth mode existed: no auth.test on this path).
    poster = async () => client;
    const common = { authorize: identity.authorize, logger: log, clientOptions };
    if (config.appToken) {
      // Socket Mode has no HTTP request to refuse: the authorize function refuses other workspaces.
      return new App({ ...common, socketMode: true, appToken: config.appToken });
    }
    const receiver = new HTTPReceiver(receiverOptions);
    guard(receiver, async (team) => {
      const installed = await identity.team();
      if (!installed) throw new Error('the installed workspace is unknown (auth.test failed)');
      return team === installed;
    });
    return new App({ ...common, receiver });
  }

  /** `/healthz` (503 while stopping) and, with the ops handler, `/metrics` and the full health report. */
  function opsRoutes(handler: OpsRequestHandler | undefined) {
    const route = (path: string) => ({
      path,
      method: ['GET', 'HEAD'],
      handler: (req: IncomingMessage, res: ServerResponse) => {
        if (!handler || (stopping && path === HEALTH_PATH)) {
          res.writeHead(stopping ? 503 : 200, { 'content-type': 'text/plain' });
          res.end(stopping ? 'stopping' : 'ok');
          return;
        }
        handler(req, res).then(
          // Not handled: /metrics without METRICS_TOKEN is not served.
          (handled) => {
            if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          },
          (error) => {
            logger.error({ err: error, path }, 'ops endpoint failed');
            if (!res.headersSent) res.writeHead(500).end();
          },
        );
      },
    });
    return handler ? [route(HEALTH_PATH), route(METRICS_PATH)] : [route(HEALTH_PATH)];
  }

  const listeningPort = () => {
    const address = server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  };

  return {
    platform: 'slack',
    get port() {
      return listeningPort();
    },
    idle,

    async start(c) {
      core = c;
      stopping = false;
      app = build();
      const store = installations;
      registerListeners(app, {
        core: () => core!,
        logger,
        track,
        stopping: () => stopping,
        releaseWorkspace: async (team: string) => {
          if (!store) return (await servedTeam?.()) === team;
          await store.removeTeam(team);
          return true;
        },
        ...(config.apiUrl ? { apiHost: hostOf(config.apiUrl) } : {}),
      });
      app.error(async (error) => {
        logger.error({ err: error }, 'Slack app error');
      });
      if (config.appToken) {
        await app.start();
        logger.info('Slack adapter connected (Socket Mode)');
      } else {
        server = (await app.start({ port: deps.port, host: deps.host })) as Server;
        logger.info({ port: listeningPort(), path: SLACK_EVENTS_PATH }, 'Slack adapter listening (HTTP)');
      }
    },

    async postToChannel(channel: ChannelRef, reply: Reply) {
      const c = core;
      const channelId = channel.key.split(':')[2];
      const clientFor = poster;
      if (!c || !clientFor || stopping || channel.platform !== 'slack' || !channelId) {
        logger.warn({ channel: channel.key }, 'Slack adapter not running; message not posted');
        return false;
      }
      const work = clientFor(channel.tenant)
        .catch((error) => {
          logger.warn({ err: error }, 'no bot token for the workspace; message not posted');
          return undefined;
        })
        .then((client) => {
          if (client) return postToChannel({ core: c, client, logger, channel, channelId }, reply);
          logger.warn({ channel: channel.key }, 'the workspace is not installed; message not posted');
          return false;
        });
      track(work);
      return work;
    },

    async stop() {
      if (!app) return;
      stopping = true;
      // Stop receiving first, then let the work already acknowledged finish and reply.
      await app.stop().catch((error) => logger.warn({ err: error }, 'Slack receiver stop failed'));
      await idle();
      app = undefined;
      server = undefined;
      logger.info('Slack adapter stopped');
    },
  };
}

/**
 * The single-workspace bot token's identity from `auth.test`, called once on first use and cached (a
 * failure is retried on the next event instead of crashing start-up): bolt's authorize function, and the
 * installed workspace's team id for the request guard. Authorize refuses an event for any other team:
 * bolt then acknowledges it and runs no listener, which is Socket Mode's team check (HTTP mode's guard
 * refuses such requests before bolt sees them).
 */
function lazyBotIdentity(
  botToken: string,
  clientOptions: webApi.WebClientOptions,
  log: ReturnType<typeof boltLogger>,
): { authorize: Authorize<boolean>; team: () => Promise<string | undefined> } {
  let pending: Promise<{ botUserId?: string; botId?: string; teamId?: string }> | undefined;
  const ids = async () => {
    pending ??= new webApi.WebClient(botToken, { ...clientOptions, logger: log }).auth
      .test()
      .then((result) => ({ botUserId: result.user_id, botId: result.bot_id, teamId: result.team_id }));
    try {
      return await pending;
    } catch (error) {
      pending = undefined;
      throw error;
    }
  };
  return {
    authorize: async (source) => {
      const { botUserId, botId, teamId } = await ids();
      if (source.teamId !== undefined && source.teamId !== teamId)
        throw new Error('an event for a workspace this bot token does not belong to');
      return { botToken, botUserId, botId };
    },
    team: async () => (await ids()).teamId,
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
