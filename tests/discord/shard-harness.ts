import { createDiscordAdapter, type HandledEvent } from '../../adapters/discord/index.ts';
import type { BotCore, PlatformAdapter } from '../../src/bot/types.ts';
import type { DiscordShardSettings } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { APP_ID, FakeDiscord, TOKEN } from './fake-discord.ts';
import { channelIdFor, guildIdFor, ShardedGateway, shardGuildPayload } from './fake-sharded-gateway.ts';
import { commandInteraction, reactionPayload } from './gateway-payloads.ts';

type Json = Record<string, unknown>;

const WAIT_MS = 30_000;

/** A fake Discord whose gateway hands out shards, with `guilds` guilds numbered 0 … guilds-1. */
export async function startShardedFake(
  guilds: number,
  gatewayBot: { shards: number; maxConcurrency: number },
): Promise<{ fake: FakeDiscord; gateway: ShardedGateway }> {
  let gateway: ShardedGateway | undefined;
  const payloads = Array.from({ length: guilds }, (_, n) => shardGuildPayload(n));
  const channels = new Map(payloads.map((_, n) => [channelIdFor(n), guildIdFor(n)]));
  const fake = await FakeDiscord.start({
    gatewayBot,
    channels,
    gateway: (server, url, notify) => {
      gateway = new ShardedGateway(server, url, notify, payloads);
      return gateway;
    },
  });
  return { fake, gateway: gateway! };
}

/** One running bot (one movierec process, or one host): a real discord.js client with some shards. */
export interface ShardedBot {
  adapter: PlatformAdapter;
  /** Events the adapter finished, by id (interaction id, or the reaction's delivery id). */
  handled: Map<string, HandledEvent>;
  stop(): Promise<void>;
}

export async function startShardedBot(
  fake: FakeDiscord,
  core: BotCore,
  shards: DiscordShardSettings | undefined,
): Promise<ShardedBot> {
  const handled = new Map<string, HandledEvent>();
  const adapter = createDiscordAdapter(
    { token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl, ...(shards && { shards }) },
    {
      logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
      clientOptions: { rest: { timeout: 10_000 } },
      onHandled: (event) => {
        handled.set(event.id, event);
        fake.poke();
      },
    },
  );
  await adapter.start(core);
  return { adapter, handled, stop: () => adapter.stop() };
}

/** A slash command typed in guild number `n`'s channel. */
export function commandIn(n: number, user: string, name: string, options: Json[] = []) {
  const p = commandInteraction(user, name, options as never, guildIdFor(n));
  const channelId = channelIdFor(n);
  const channel = { ...((p as Json).channel as Json), id: channelId };
  return { ...p, channel_id: channelId, channel };
}

/** A reaction by `user` on message `messageId` in guild number `n`'s channel. */
export function reactionIn(n: number, user: string, messageId: string, emoji: string, added: boolean) {
  return { ...reactionPayload(user, messageId, emoji, added, channelIdFor(n)), guild_id: guildIdFor(n) };
}

/** Dispatches an interaction and waits until one of `bots` has handled it; returns that bot's record. */
export async function interactVia(
  fake: FakeDiscord,
  bots: ShardedBot[],
  payload: { id: string; token: string },
): Promise<HandledEvent> {
  fake.dispatch('INTERACTION_CREATE', payload);
  return fake.waitFor(
    () => bots.map((b) => b.handled.get(payload.id)).find((e) => e !== undefined),
    WAIT_MS,
    `interaction ${payload.id}`,
  );
}

/** Dispatches a reaction and waits until one of `bots` has handled it. */
export async function reactVia(fake: FakeDiscord, bots: ShardedBot[], body: Json, added = true) {
  const before = new Set(bots.flatMap((b) => [...b.handled.keys()]));
  const seq = fake.dispatch(added ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', body);
  return fake.waitFor(
    () => bots.flatMap((b) => [...b.handled.keys()]).find((id) => !before.has(id) && id.endsWith(`:${seq}`)),
    WAIT_MS,
    `reaction ${seq}`,
  );
}
