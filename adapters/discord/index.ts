import {
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  Partials,
  type PartialUser,
  type User,
} from 'discord.js';
import type { BotCore, ChannelRef, PlatformAdapter, ReactionEvent, Reply } from '../../src/bot/types.ts';
import type { Config } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { type DeliveryContext, postToChannel } from './deliver.ts';
import { onAutocomplete, onChatInput, onComponent } from './interactions.ts';
import { deliverReactionReplies } from './reaction-replies.ts';
import { isRawReaction, ReactionDeliveryIds, rawDmReactionEvent, reactionEvent } from './reactions.ts';
import { ANSWER_BUDGET_MS } from './respond.ts';
import { resolveShardPlan, type ShardPlan } from './shards.ts';

export type DiscordAdapterConfig = NonNullable<Config['discord']>;

export interface DiscordAdapterDeps {
  logger: Logger;
  /** Extra discord.js client options (tests shorten REST timeouts); intents and partials stay fixed. */
  clientOptions?: Partial<ClientOptions>;
  /** How long `start()` waits for the gateway's READY. */
  readyTimeoutMs?: number;
  /** How long `stop()` waits for in-flight handlers. */
  stopDrainMs?: number;
  /** How long to wait for the core before deferring an interaction (default ANSWER_BUDGET_MS, 2 s). */
  answerBudgetMs?: number;
  /**
   * Called when the adapter has finished with one Discord event (every reply posted, reactions added),
   * with the interaction id or the reaction's delivery id. For tests and metrics.
   */
  onHandled?: (event: HandledEvent) => void;
  /** Asks for the recommended shard count when `DISCORD_SHARDS=auto` (default: `GET /gateway/bot`). */
  recommendShards?: (config: DiscordAdapterConfig) => Promise<number>;
}

export interface HandledEvent {
  kind: 'interaction' | 'reaction' | 'guild' | 'post';
  id: string;
  /** The gateway shard the event's guild is on (as discord.js recorded it), when it came from a guild. */
  shard?: number;
}

/** Only what the bot uses: no privileged intents (no message content, no member list). */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessageReactions,
];
/** Partials let reactions on messages that are not cached (e.g. sent before a restart) still arrive. */
export const DISCORD_PARTIALS = [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User];
const DEFAULT_READY_TIMEOUT_MS = 30_000;
/**
 * Discord lets one IDENTIFY per `max_concurrency` bucket start every 5 seconds
 * (https://discord.com/developers/docs/events/gateway#session-start-limit-object), so each further
 * shard of a small bot adds that much to the start.
 */
const IDENTIFY_INTERVAL_MS = 5_500;
/** `stop()` waits this long for in-flight handlers before closing the connection anyway. */
const DEFAULT_STOP_DRAIN_MS = 10_000;

/** The Discord REST base for `DISCORD_API_URL` (a local fake in tests): discord.js wants it ending in `/api`. */
export function restApiBase(apiUrl: string): string {
  const trimmed = apiUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
}

/** Turns the usual start-up failures into messages that say what to fix. */
function loginError(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'TokenInvalid' || (error as { status?: number }).status === 401) {
    return new UserError(
      'discord-token-invalid',
      'Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal.',
      { cause: error },
    );
  }
  if (code === 'DisallowedIntents') {
    return new UserError(
      'discord-intents',
      'Discord refused the gateway intents requested; movierec needs no privileged intents, so check the application settings.',
      { cause: error },
    );
  }
  return error;
}

/**
 * The Discord adapter: a gateway bot that turns slash commands, autocomplete, buttons, selects and
 * reactions into core events and renders the core's replies as embeds and components.
 */
export function createDiscordAdapter(
  config: DiscordAdapterConfig,
  deps: DiscordAdapterDeps,
): PlatformAdapter {
  const logger = deps.logger.child({ platform: 'discord' });
  const inflight = new Set<Promise<unknown>>();
  const ids = new ReactionDeliveryIds();
  let client: Client | undefined;
  let delivery: DeliveryContext | undefined;
  let stopping = false;

  const track = (work: Promise<unknown>, done: HandledEvent) => {
    const p = work
      .catch((error) => logger.error({ err: error, ...done }, 'Discord handler failed'))
      .finally(() => {
        inflight.delete(p);
        deps.onHandled?.(done);
      });
    inflight.add(p);
  };

  function attach(c: Client, core: BotCore) {
    const ctx: DeliveryContext = {
      core,
      logger,
      client: () => c,
      budgetMs: deps.answerBudgetMs ?? ANSWER_BUDGET_MS,
    };
    delivery = ctx;
    const handleReaction = (event: ReactionEvent, userId: string) => {
      track(
        core.handle(event).then((replies) => deliverReactionReplies(ctx, c, event, userId, replies)),
        { kind: 'reaction', id: event.id },
      );
    };
    c.on(Events.Raw, (packet: { t?: string; s?: number; d?: unknown }, shard: number) => {
      ids.observe(packet, shard);
      if (stopping || !isRawReaction(packet) || packet.d.user_id === c.user?.id) return;
      // discord.js drops reactions in DM channels it has not cached; those are handled from the packet.
      if (!packet.d.guild_id && !c.channels.cache.has(packet.d.channel_id)) {
        const event = rawDmReactionEvent(packet, ids);
        if (event) handleReaction(event, packet.d.user_id);
      }
    });
    c.on(Events.InteractionCreate, (i: Interaction) => {
      if (stopping) return;
      const done: HandledEvent = { kind: 'interaction', id: i.id, shard: i.guild?.shardId };
      if (i.isChatInputCommand()) track(onChatInput(ctx, i), done);
      else if (i.isAutocomplete()) track(onAutocomplete(ctx, i), done);
      else if (i.isButton() || i.isStringSelectMenu()) track(onComponent(ctx, i), done);
    });
    const onReaction =
      (added: boolean) => (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
        if (stopping || user.id === c.user?.id || user.bot) return;
        const event = reactionEvent(reaction, user, added, ids);
        if (event) handleReaction(event, user.id);
      };
    c.on(Events.MessageReactionAdd, onReaction(true));
    c.on(Events.MessageReactionRemove, onReaction(false));
    c.on(Events.GuildDelete, (guild) => {
      // discord.js reports outages as guildUnavailable; check anyway so an outage never deletes data.
      if (guild.available === false) return;
      track(
        core
          .purgeTenant('discord', guild.id)
          .then(({ users }) => logger.info({ guild: guild.id, users }, 'guild purged')),
        { kind: 'guild', id: guild.id },
      );
    });
    c.on(Events.GuildUnavailable, (guild) =>
      logger.warn({ guild: guild.id }, 'guild unavailable (outage); data kept'),
    );
    c.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway resumed'));
    c.on(Events.ShardReady, (shard, unavailable) =>
      logger.info({ shard, guildsPending: unavailable?.size ?? 0 }, 'gateway shard ready'),
    );
    c.on(Events.Error, (error) => logger.error({ err: error }, 'discord.js error'));
    c.on(Events.Warn, (message) => logger.warn({ message }, 'discord.js warning'));
    c.on(Events.Debug, (message) => logger.trace({ message }, 'discord.js debug'));
  }

  return {
    platform: 'discord',
    async start(core: BotCore) {
      stopping = false;
      // A process the ShardingManager spawned gets its shard from discord.js (SHARDS / SHARD_COUNT).
      const plan: ShardPlan | undefined =
        config.shards && !config.shards.managed
          ? await resolveShardPlan(config, config.shards, deps.recommendShards)
          : undefined;
      const rest = { ...deps.clientOptions?.rest, ...(config.apiUrl && { api: restApiBase(config.apiUrl) }) };
      client = new Client({
        ...deps.clientOptions,
        intents: DISCORD_INTENTS,
        partials: DISCORD_PARTIALS,
        allowedMentions: { parse: [] },
        rest,
        // Every shard of this host in this one process: discord.js opens one gateway connection each.
        ...(plan && { shards: plan.ids, shardCount: plan.total }),
      });
      attach(client, core);
      let timer: NodeJS.Timeout | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(new UserError('discord-not-ready', 'The Discord gateway did not become ready in time.')),
          deps.readyTimeoutMs ??
            DEFAULT_READY_TIMEOUT_MS + IDENTIFY_INTERVAL_MS * ((plan?.ids.length ?? 1) - 1),
        );
        client!.once(Events.ClientReady, (c) => {
          logger.info(
            {
              user: c.user.tag,
              guilds: c.guilds.cache.size,
              shards: plan?.ids.length ?? 1,
              totalShards: plan?.total ?? 1,
            },
            'Discord bot ready',
          );
          resolve();
        });
      });
      try {
        // Whichever fails first (a bad token, an unreachable API, no READY) ends the start.
        await Promise.all([client.login(config.token), ready]);
      } catch (error) {
        await client.destroy();
        client = undefined;
        throw loginError(error);
      } finally {
        clearTimeout(timer);
        ready.catch(() => {});
      }
    },
    async postToChannel(channel: ChannelRef, reply: Reply) {
      if (!client || !delivery || stopping) {
        logger.warn({ channel: channel.key }, 'Discord adapter not running; message not posted');
        return false;
      }
      const work = postToChannel(delivery, client, channel, reply);
      // Tracked like an event, so stop() waits for a post in flight.
      track(work, { kind: 'post', id: channel.key });
      return work;
    },
    async stop() {
      stopping = true;
      const deadline = Date.now() + (deps.stopDrainMs ?? DEFAULT_STOP_DRAIN_MS);
      while (inflight.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((resolve) => {
          timer = setTimeout(resolve, deadline - Date.now());
        });
        await Promise.race([Promise.allSettled([...inflight]), timeout]);
        clearTimeout(timer);
      }
      if (inflight.size > 0)
        logger.warn({ pending: inflight.size }, 'stopping with Discord handlers still running');
      await client?.destroy();
      client = undefined;
    },
  };
}
