import path from 'node:path';
import type { ConsoleAdapterOptions } from '../adapters/console/index.ts';
import { type CatalogSource, createCatalogSource } from './bot/catalog-view.ts';
import type { BotCoreDeps } from './bot/context.ts';
import { createBotCore } from './bot/core.ts';
import { withDeadline } from './bot/deadline.ts';
import { type PollCloser, startPollCloser } from './bot/poll-closer.ts';
import type { BotCore, Platform, PlatformAdapter } from './bot/types.ts';
import { watchCatalog } from './catalog/catalog-watch.ts';
import { ensureStarterCatalog } from './catalog/starter.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/client.ts';
import { pruneExpired } from './db/store/maintenance.ts';
import type { Logger } from './logger.ts';
import type { Operations } from './ops/index.ts';
import { modelCacheDir } from './recommend/model-cache.ts';
import { createRecommenderService, type RecommenderService } from './recommend/service.ts';

/** A running movierec: database, catalog, recommender and the core every adapter drives. */
export interface App {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  catalog: CatalogSource;
  recommender: RecommenderService;
  core: BotCore;
  /** The card enricher the core uses (TMDB), when configured; the poll closer's announcements use it too. */
  enrichCards?: BotCoreDeps['enrichCards'];
  /** Health, metrics and their HTTP handler (when created with `instrument`). */
  ops?: Operations;
  /** Releases the recommender and the database (idempotent). */
  close(): Promise<void>;
}

/** How often a running bot deletes expired sessions, old delivery claims and very old cards. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface CreateAppOptions {
  /** Wrap the core with the request deadline, request ids and metrics (src/ops); off for one-shot `ask`. */
  instrument?: boolean;
}

/**
 * The composition root: config → database (Postgres when `databaseUrl` is set, else PGlite under
 * `home`) → migrations → starter catalog when empty → recommender service → bot core.
 */
export async function createApp(
  config: Config,
  logger: Logger,
  options: CreateAppOptions = {},
): Promise<App> {
  const database = await openDatabase({
    url: config.databaseUrl,
    home: config.home,
    limits: config.database,
  });
  try {
    await database.migrate();
    await ensureStarterCatalog(database.db, logger);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  const catalog = createCatalogSource(database.db);
  // Warm the catalog and its title index now, so the first autocomplete answers within Discord's 3 s.
  // A failure here is retried by the first request (catalog-view does not cache failed loads).
  const catalogWarm = catalog.current().catch(() => {});
  const recommender = createRecommenderService({
    db: database.db,
    logger,
    listen: database.listen,
    trainThreads: config.trainThreads,
    cacheDir: modelCacheDir(config.home),
    // Processes sharing a Postgres server (Discord shards) train one model between them, not one each.
    trainingLock: database.kind === 'postgres',
    // A first training waits for the catalog warm-up: their transient peaks do not add up.
    trainAfter: catalogWarm,
    // Training takes the movies from the catalog view when it is current; the model shares its items.
    catalogItems: async () => {
      const view = await catalog.current();
      let updatedAtMs = 0;
      for (const m of view.catalog.list) updatedAtMs = Math.max(updatedAtMs, m.updatedAt.getTime());
      return { items: view.items, updatedAtMs };
    },
  });
  let enrichCards: BotCoreDeps['enrichCards'];
  if (config.tmdb) {
    const tmdb = await import('./tmdb/index.ts');
    const enricher = tmdb.createTmdbEnricher({ db: database.db, config, logger });
    enrichCards = (cards, region) => tmdb.enrichCards(enricher, cards, { region });
  }
  let core = createBotCore({
    enrichCards,
    db: database.db,
    logger,
    catalog,
    recommender: {
      current: () => recommender.current(),
      catalogChanged: () => {
        catalog.changed();
        recommender.catalogChanged();
      },
    },
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  let ops: Operations | undefined;
  if (options.instrument) {
    // A running bot answers every event within the deadline; one-shot `ask` waits for its answer (its
    // first run may train the model). Inside the instrument wrapper, so a deadline reply counts as
    // unavailable.
    core = withDeadline(core, { deadlineMs: config.requestDeadlineMs, logger });
    const { createOperations } = await import('./ops/index.ts');
    ops = createOperations({ db: database.db, logger, database, metricsToken: config.metricsToken });
    core = ops.instrument(core);
  }
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    database,
    catalog,
    recommender,
    core,
    enrichCards,
    ops,
    close() {
      closing ??= (async () => {
        await recommender.close().catch((error) => logger.warn({ err: error }, 'recommender close failed'));
        await database.close();
      })();
      return closing;
    },
  };
}

export interface RunningAdapters {
  adapters: PlatformAdapter[];
  /** Closes movie-night polls on time and posts the winners through the adapters. */
  pollCloser: PollCloser;
  /** Resolves when the bot should exit: the console chat ended, or a shutdown signal arrived. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export interface StartAdaptersOptions {
  console?: ConsoleAdapterOptions;
  /** Run these adapters instead of the configured ones (tests). */
  adapters?: PlatformAdapter[];
  /** Clock and interval of the poll closer (tests). */
  pollCloser?: { now?: () => Date; intervalMs?: number };
}

/**
 * Starts every configured platform adapter (each loaded only when configured, so the console never
 * pays for discord.js or Bolt); with none configured, the console chat. SIGINT / SIGTERM stop them
 * gracefully.
 */
export async function startAdapters(app: App, options: StartAdaptersOptions = {}): Promise<RunningAdapters> {
  const { config, logger } = app;
  // Adapters handed in replace the configured ones.
  const adapters: PlatformAdapter[] = [...(options.adapters ?? [])];
  const configured = options.adapters === undefined;
  let consoleDone: Promise<void> | undefined;
  if (configured && config.discord) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.ts');
    adapters.push(createDiscordAdapter(config.discord, { logger }));
  }
  if (configured && config.slack) {
    // Loaded only when configured (a literal specifier, so the bundle holds it: bin/bundle.mjs).
    const slack = await import('../adapters/slack/index.ts');
    // In HTTP mode the Slack receiver owns the port and mounts /healthz and /metrics itself.
    adapters.push(
      slack.createSlackAdapter(config.slack, {
        logger,
        port: config.port,
        opsHandler: app.ops?.handler,
        db: app.database.db,
      }),
    );
  }
  if (adapters.length === 0) {
    const { createConsoleAdapter } = await import('../adapters/console/index.ts');
    const adapter = createConsoleAdapter({
      input: process.stdin,
      output: process.stdout,
      historyFile: path.join(config.home, 'console-history'),
      ...options.console,
    });
    consoleDone = adapter.closed;
    adapters.push(adapter);
  }
  const started: PlatformAdapter[] = [];
  for (const adapter of adapters) {
    await adapter.start(app.core);
    started.push(adapter);
    logger.info({ platform: adapter.platform }, 'adapter started');
  }
  // /healthz and /metrics on PORT for platform bots, unless Slack's HTTP receiver already serves them there.
  const slackHttp = config.slack !== undefined && !config.slack.appToken;
  const opsServer =
    app.ops && (config.discord || config.slack) && !slackHttp ? await app.ops.listen(config.port) : undefined;
  const prune = () =>
    pruneExpired(app.database.db)
      .then((removed) => logger.debug({ removed }, 'expired state pruned'))
      .catch((error) => logger.warn({ err: error }, 'pruning expired state failed'));
  void prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  // Films another process adds (import imdb, a TMDB sync) reach this bot's index and model.
  const catalogWatch = watchCatalog({
    db: app.database.db,
    logger,
    onChange: () => {
      app.catalog.changed();
      app.recommender.catalogChanged();
    },
  });
  const pollCloser = startPollClosing(app, started, options.pollCloser);
  const tmdbSync = app.config.tmdb
    ? (await import('./tmdb/sync-schedule.ts')).scheduleTmdbSync({
        db: app.database.db,
        config: app.config,
        logger,
        onAdded: () => {
          app.catalog.changed();
          app.recommender.catalogChanged();
        },
      })
    : undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(pruneTimer);
      catalogWatch.stop();
      await tmdbSync?.stop();
      // Before the adapters: a pass in progress still has them to post through.
      await pollCloser.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      for (const adapter of started.reverse()) {
        await adapter
          .stop()
          .catch((error) => logger.error({ err: error, platform: adapter.platform }, 'adapter stop failed'));
      }
      await opsServer?.close().catch((error) => logger.warn({ err: error }, 'ops server close failed'));
      await app.close();
    })();
    return stopping;
  };
  let signalled: () => void = () => {};
  const signal = new Promise<void>((resolve) => {
    signalled = resolve;
  });
  function onSignal(name: NodeJS.Signals) {
    logger.info({ signal: name }, 'shutting down');
    signalled();
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const done = Promise.race([signal, ...(consoleDone ? [consoleDone] : [])]);
  return { adapters: started, pollCloser, done, stop };
}

/**
 * The poll closer for this process: it closes the polls of the platforms it can announce on and posts
 * each winner through that platform's adapter.
 */
function startPollClosing(
  app: App,
  adapters: readonly PlatformAdapter[],
  options: StartAdaptersOptions['pollCloser'],
): PollCloser {
  const posters = new Map<Platform, PlatformAdapter>();
  for (const a of adapters) if (a.postToChannel) posters.set(a.platform, a);
  return startPollCloser({
    db: app.database.db,
    logger: app.logger,
    catalog: app.catalog,
    enrichCards: app.enrichCards,
    platforms: [...posters.keys()],
    ...options,
    post: async ({ channel, reply }) =>
      (await posters.get(channel.platform)?.postToChannel?.(channel, reply)) ?? false,
  });
}
