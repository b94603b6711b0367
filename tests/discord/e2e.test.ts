import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import { createLogger } from '../../src/logger.ts';
import { type AdapterFixture, startAdapterFixture } from './adapter-fixture.ts';
import { FakeCore } from './fake-core.ts';
import { APP_ID, BOT_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, guildPayload, TOKEN } from './fake-discord.ts';
import { commandInteraction, reactionPayload, userId } from './gateway-payloads.ts';

type Json = Record<string, unknown>;

const WAIT_MS = 10_000;

describe('Discord adapter against a fake Discord (real discord.js Client)', () => {
  let f: AdapterFixture;
  let fake: FakeDiscord;
  let core: FakeCore;

  beforeAll(async () => {
    f = await startAdapterFixture();
    fake = f.fake;
    core = f.core;
  });

  afterAll(async () => {
    await f?.close();
  });

  it('connects through IDENTIFY with minimal intents and no message content', () => {
    const identify = fake.gatewayReceived.find((m) => m.op === 2)?.d as { intents: number; token: string };
    expect(identify.token).toBe(TOKEN);
    // Guilds (1) | GuildMessageReactions (1 << 10) | DirectMessageReactions (1 << 13); MessageContent (1 << 15) absent.
    expect(identify.intents).toBe(1 | (1 << 10) | (1 << 13));
  });

  it('answers title autocomplete within Discord limits', async () => {
    const interaction = commandInteraction('bob', 'movie', [
      { name: 'title', type: 3, value: 'hea', focused: true },
    ]);
    await f.send(interaction);
    const callback = f.forToken(interaction.token)[0]!;
    expect(callback.body!.type).toBe(8);
    const choices = (callback.body!.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices.map((c) => c.value)).toEqual(['#1', '#2', '#3']);
    expect(choices.every((c) => c.name.length <= 100)).toBe(true);
    expect(core.autocompleteQueries).toContain('hea');
  });

  /** Posts `/movie Heat` and returns the card's message id. */
  async function postSingleCard(user: string) {
    const [card] = await f.send(
      commandInteraction(user, 'movie', [{ name: 'title', type: 3, value: 'Heat' }]),
    );
    expect((card!.json.embeds as Json[]).map((e) => e.title)).toEqual(['Heat (2002)']);
    return String(card!.json.id);
  }

  it('adds rating reactions to a single-movie card, and reactions store and remove ratings', async () => {
    const messageId = await postSingleCard('carol');
    const added = fake.requests.filter(
      (r) => r.method === 'PUT' && r.path.includes(`/messages/${messageId}/reactions/`),
    );
    expect(added.map((r) => r.path.split('/')[6])).toEqual(['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '🔖', '🚫']);

    // The bot's own reactions come back through the gateway and must be ignored.
    fake.dispatch('MESSAGE_REACTION_ADD', {
      ...reactionPayload('movierec', messageId, '4️⃣', true),
      user_id: BOT_ID,
    });
    await f.react('MESSAGE_REACTION_ADD', reactionPayload('carol', messageId, '4️⃣', true));
    const key = `discord:${GUILD_ID}:${userId('carol')}`;
    expect(core.ratings.get(key)?.get(42)).toBe(4);
    expect(core.events.filter((e) => e.type === 'reaction' && e.actor.userKey.endsWith(BOT_ID))).toEqual([]);
    await f.react('MESSAGE_REACTION_REMOVE', reactionPayload('carol', messageId, '4️⃣', false));
    expect(core.ratings.get(key)?.has(42)).toBe(false);
    // A confirmation says what the reaction already shows: no DM per tap.
    expect(fake.dmsTo(userId('carol'))).toEqual([]);
  });

  it('tells the user privately by DM when their reaction was refused (rate limit), never silently', async () => {
    const messageId = await postSingleCard('dora');
    core.refuseReactions = true;
    try {
      await f.react('MESSAGE_REACTION_ADD', reactionPayload('dora', messageId, '5️⃣', true));
    } finally {
      core.refuseReactions = false;
    }
    const dms = await fake.waitFor(() => {
      const m = fake.dmsTo(userId('dora'));
      return m.length > 0 ? m : undefined;
    }, WAIT_MS);
    expect(dms.map((m) => m.content)).toEqual(['Easy there! Try again in a few seconds.']);
    // Nothing about it in the channel.
    const inChannel = [...fake.messages.values()].filter((m) => String(m.content).startsWith('Easy there'));
    expect(inChannel.every((m) => m.channel_id !== CHANNEL_ID)).toBe(true);
  });

  it('gives a replayed reaction the same delivery id, so the core counts it once', async () => {
    const messageId = await postSingleCard('dave');
    const before = core.events.length;
    const s = fake.dispatch('MESSAGE_REACTION_ADD', reactionPayload('dave', messageId, '2️⃣', true));
    fake.redeliver(s);
    await fake.waitFor(
      () => (core.events.length >= before + 2 ? true : undefined),
      WAIT_MS,
      'two deliveries',
    );
    const [a, b] = core.events.slice(before);
    expect(a!.id).toBe(b!.id);
    expect(a!.id).toMatch(/^gateway:[0-9a-f]+:\d+$/);
  });

  it('honours a 429 with retry_after: the request is retried after the delay, not dropped', async () => {
    const interaction = commandInteraction('erin', 'profile');
    const path = `/interactions/${interaction.id}/${interaction.token}/callback`;
    fake.rateLimitNext((method, p) => method === 'POST' && p === path, 0.6);
    const [answer] = await f.send(interaction);
    const tries = fake.requests.filter((r) => r.path === path);
    expect(tries.map((r) => r.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(550);
    expect(answer!.json.content).toContain('Profile of erin');
  });

  it('resumes a dropped gateway connection with its session id, and events keep flowing', async () => {
    const identify = fake.gatewayReceived.filter((m) => m.op === 2).length;
    const ready = fake.gatewayReceived.length;
    fake.dropConnection(4000);
    const resume = await fake.waitFor(
      () =>
        fake.gatewayReceived.slice(ready).find((m) => m.op === 6) as
          | { d: { session_id: string; seq: number } }
          | undefined,
      WAIT_MS,
      'RESUME',
    );
    expect(resume.d.session_id).toMatch(/^[0-9a-f]{16}$/);
    // The resumed session heartbeats (discord.js sends the first one within one heartbeat_interval of
    // HELLO, at a random point of it, so wait for it rather than expect it already sent).
    await fake.waitFor(() => fake.gatewayReceived.slice(ready).find((m) => m.op === 1), WAIT_MS, 'HEARTBEAT');
    expect(fake.gatewayReceived.filter((m) => m.op === 2)).toHaveLength(identify);
    expect(await f.send(commandInteraction('frank', 'profile'))).toHaveLength(1);
  });

  it('after a restart, a reaction on an uncached message still rates', async () => {
    const messageId = await postSingleCard('gina');
    await f.restart();
    await f.react('MESSAGE_REACTION_ADD', reactionPayload('gina', messageId, '5️⃣', true));
    expect(core.ratings.get(`discord:${GUILD_ID}:${userId('gina')}`)?.get(42)).toBe(5);
  });

  it('receives reactions in a DM channel it has never seen (partial channel, message and user)', async () => {
    const dmChannel = '300000000000000099';
    const body = reactionPayload('judy', '600000000000000001', '3️⃣', true, dmChannel);
    delete body.guild_id;
    delete body.member;
    fake.dispatch('MESSAGE_REACTION_ADD', body);
    const event = await fake.waitFor(
      () => core.events.find((e) => e.type === 'reaction' && e.channel.key === `discord:dm:${dmChannel}`),
      WAIT_MS,
      'DM reaction',
    );
    expect(event).toMatchObject({
      actor: { userKey: `discord:dm:${userId('judy')}` },
      messageKey: `discord:${dmChannel}:600000000000000001`,
      emoji: '3️⃣',
      added: true,
    });
  });

  it('purges a guild only when the bot was really removed, not during an outage', async () => {
    fake.dispatch('GUILD_DELETE', { id: GUILD_ID, unavailable: true });
    fake.dispatch('GUILD_CREATE', guildPayload());
    expect(await f.send(commandInteraction('hank', 'profile'))).toHaveLength(1);
    expect(core.purged).toEqual([]);
    fake.dispatch('GUILD_DELETE', { id: GUILD_ID });
    await fake.waitFor(() => (core.purged.length > 0 ? true : undefined), WAIT_MS, 'purge');
    expect(core.purged).toEqual([{ platform: 'discord', tenant: GUILD_ID }]);
  });
});

describe('Discord adapter start-up failures', () => {
  it('a rejected token fails start() with a clear user error, and leaves no timer behind', async () => {
    const fake = await FakeDiscord.start();
    try {
      const adapter = createDiscordAdapter(
        { token: 'wrong-token', appId: APP_ID, apiUrl: fake.apiUrl },
        { logger: createLogger('silent'), readyTimeoutMs: 300 },
      );
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      await expect(adapter.start(new FakeCore())).rejects.toMatchObject({ code: 'discord-token-invalid' });
      await new Promise((resolve) => setTimeout(resolve, 600));
      process.off('unhandledRejection', onUnhandled);
      expect(unhandled).toEqual([]);
      await adapter.stop();
    } finally {
      await fake.close();
    }
  });
});
