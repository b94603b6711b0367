import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import type { PlatformAdapter } from '../../src/bot/types.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeCore } from './fake-core.ts';
import { APP_ID, BOT_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, TOKEN } from './fake-discord.ts';
import { commandInteraction, componentInteraction, reactionPayload, userId } from './gateway-payloads.ts';

type Json = Record<string, unknown>;

const WAIT_MS = 10_000;

describe('Discord adapter against a fake Discord (real discord.js Client)', () => {
  let fake: FakeDiscord;
  let core: FakeCore;
  let adapter: PlatformAdapter;

  const startAdapter = async () => {
    const a = createDiscordAdapter(
      { token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl },
      {
        logger: createLogger('silent'),
        clientOptions: { rest: { timeout: 5_000 } },
        readyTimeoutMs: WAIT_MS,
      },
    );
    await a.start(core);
    return a;
  };

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    core = new FakeCore();
    adapter = await startAdapter();
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });

  /** Requests for one interaction token, in arrival order. */
  const forToken = (token: string) => fake.requests.filter((r) => r.path.includes(token));

  it('connects through IDENTIFY with minimal intents and no message content', () => {
    const identify = fake.gatewayReceived.find((m) => m.op === 2)?.d as { intents: number; token: string };
    expect(identify.token).toBe(TOKEN);
    // Guilds (1) | GuildMessageReactions (1 << 10) | DirectMessageReactions (1 << 13); MessageContent (1 << 15) absent.
    expect(identify.intents).toBe(1 | (1 << 10) | (1 << 13));
  });

  it('defers a slash command, then edits the original and follows up with valid embeds and components', async () => {
    const interaction = commandInteraction('alice', 'recommend', [
      { name: 'request', type: 3, value: 'heist movies' },
    ]);
    fake.dispatch('INTERACTION_CREATE', interaction);
    const token = interaction.token;
    const followups = await fake.waitFor(() => {
      const reqs = forToken(token).filter((r) => r.method === 'POST' && r.path.startsWith('/webhooks'));
      return reqs.length >= 2 ? reqs : undefined;
    }, WAIT_MS);
    expect(fake.invalidBodies).toEqual([]);
    const reqs = forToken(token);
    expect(reqs[0]).toMatchObject({
      method: 'POST',
      path: `/interactions/${interaction.id}/${token}/callback`,
    });
    expect(reqs[0]!.body).toMatchObject({ type: 5 });
    expect((reqs[0]!.body as { data?: { flags?: number } }).data?.flags ?? 0).toBe(0);
    const edit = reqs.find((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'))!;
    expect(edit.path).toBe(`/webhooks/${APP_ID}/${token}/messages/@original`);
    expect(reqs.indexOf(edit)).toBeGreaterThan(0);
    expect(edit.body!.content).toBe('Picks for heist movies');
    expect(edit.body!.allowed_mentions).toEqual({ parse: [] });
    // 12 cards with one menu each and a "More" row: split over messages of at most 4 cards.
    const embeds = [edit, ...followups].flatMap((r) => (r.body!.embeds as Json[]) ?? []);
    expect(embeds.map((e) => e.title)).toEqual(
      Array.from({ length: 12 }, (_, i) => `Movie ${i + 1} (${1990 + ((i + 1) % 30)})`),
    );
    expect(embeds[0]).toMatchObject({
      url: 'https://movies.example/1',
      thumbnail: { url: 'https://image.example/1.jpg' },
    });
    expect(fake.invalidBodies).toEqual([]);
    const event = core.events.find((e) => e.id === interaction.id)!;
    expect(event).toMatchObject({
      type: 'command',
      command: 'recommend',
      text: 'heist movies',
      actor: { userKey: `discord:${GUILD_ID}:${userId('alice')}`, tenant: GUILD_ID, platform: 'discord' },
      channel: { key: `discord:${GUILD_ID}:${CHANNEL_ID}` },
    });
    // Every posted message is registered with the core under its `discord:<channel>:<message>` key.
    const keys = await fake.waitFor(() => {
      const k = [edit, ...followups].map((r) => `discord:${CHANNEL_ID}:${(r.response as { id: string }).id}`);
      return k.every((key) => core.posted.has(key)) ? k : undefined;
    }, WAIT_MS);
    expect(keys).toHaveLength(3);
  });

  it('acknowledges before the core works, and moves a private answer out of a public placeholder', async () => {
    const interaction = commandInteraction('alice', 'recommend', [
      { name: 'request', type: 3, value: 'slow' },
    ]);
    fake.dispatch('INTERACTION_CREATE', interaction);
    const callback = await fake.waitForRequest((r) => r.path.includes(interaction.token), {
      timeoutMs: WAIT_MS,
    });
    expect(callback.body).toMatchObject({ type: 5 });
    expect((callback.body as { data?: { flags?: number } }).data?.flags ?? 0).toBe(0);
    // The core is still busy: nothing but the acknowledgement has been sent.
    await fake.waitFor(() => core.events.find((e) => e.id === interaction.id), WAIT_MS, 'core event');
    expect(forToken(interaction.token)).toHaveLength(1);
    core.release();
    const followUp = await fake.waitForRequest((r) => r.path === `/webhooks/${APP_ID}/${interaction.token}`, {
      timeoutMs: WAIT_MS,
    });
    expect(followUp.body).toMatchObject({ content: 'Sorry, something failed.', flags: 64 });
    await fake.waitForRequest(
      (r) =>
        r.method === 'DELETE' && r.path === `/webhooks/${APP_ID}/${interaction.token}/messages/@original`,
      { timeoutMs: WAIT_MS },
    );
  });

  it('names DM users discord:dm:<user>', async () => {
    const interaction = commandInteraction('ivy', 'profile', [], null);
    fake.dispatch('INTERACTION_CREATE', interaction);
    await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(interaction.token), {
      timeoutMs: WAIT_MS,
    });
    expect(core.events.find((e) => e.id === interaction.id)).toMatchObject({
      actor: { userKey: `discord:dm:${userId('ivy')}`, tenant: 'dm' },
      channel: { key: `discord:dm:${CHANNEL_ID}` },
    });
  });

  it('answers personal commands ephemerally from the first response', async () => {
    const interaction = commandInteraction('alice', 'profile');
    fake.dispatch('INTERACTION_CREATE', interaction);
    const edit = await fake.waitForRequest(
      (r) => r.path === `/webhooks/${APP_ID}/${interaction.token}/messages/@original`,
      {
        timeoutMs: WAIT_MS,
      },
    );
    const callback = forToken(interaction.token)[0]!;
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(edit.body!.content).toContain('Profile of alice');
  });

  it('answers title autocomplete within Discord limits', async () => {
    const interaction = commandInteraction('bob', 'movie', [
      { name: 'title', type: 3, value: 'hea', focused: true },
    ]);
    fake.dispatch('INTERACTION_CREATE', interaction);
    const callback = await fake.waitForRequest((r) => r.path.includes(interaction.token), {
      timeoutMs: WAIT_MS,
    });
    expect(callback.body!.type).toBe(8);
    const choices = (callback.body!.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices.map((c) => c.value)).toEqual(['#1', '#2', '#3']);
    expect(choices.every((c) => c.name.length <= 100)).toBe(true);
    expect(core.autocompleteQueries).toContain('hea');
  });

  it('turns a button press and a menu choice into core actions, acknowledged with deferUpdate', async () => {
    const message = [...fake.messages.values()].find((m) => (m.components as unknown[]).length > 0)!;
    const rows = message.components as {
      components: { custom_id: string; options?: { value: string }[] }[];
    }[];
    const more = rows.flatMap((r) => r.components).find((c) => c.custom_id === 'b:mr:more:s1');
    const menu = rows.flatMap((r) => r.components).find((c) => c.custom_id.startsWith('m:'))!;

    const lastMessage = [...fake.messages.values()].find((m) =>
      (m.components as typeof rows).some((r) => r.components.some((c) => c.custom_id === 'b:mr:more:s1')),
    )!;
    expect(more ?? lastMessage).toBeTruthy();
    const press = componentInteraction('alice', lastMessage, 'b:mr:more:s1');
    fake.dispatch('INTERACTION_CREATE', press);
    const followUp = await fake.waitForRequest((r) => r.path === `/webhooks/${APP_ID}/${press.token}`, {
      timeoutMs: WAIT_MS,
    });
    expect(forToken(press.token)[0]!.body).toEqual({ type: 6 });
    expect(followUp.body).toMatchObject({ content: 'ok mr:more:s1', flags: 64 });

    const rate = menu.options!.find((o) => o.value.includes('mr:rate:'))!;
    const choose = componentInteraction('alice', message, menu.custom_id, [rate.value]);
    fake.dispatch('INTERACTION_CREATE', choose);
    await fake.waitForRequest((r) => r.path === `/webhooks/${APP_ID}/${choose.token}`, {
      timeoutMs: WAIT_MS,
    });
    const event = core.events.find((e) => e.id === choose.id);
    expect(event).toMatchObject({
      type: 'action',
      actionId: 'mr:rate:1',
      value: '5',
      messageKey: `discord:${CHANNEL_ID}:${message.id}`,
    });
  });

  async function postSingleCard(user: string) {
    const interaction = commandInteraction(user, 'movie', [{ name: 'title', type: 3, value: 'Heat' }]);
    fake.dispatch('INTERACTION_CREATE', interaction);
    const edit = await fake.waitForRequest(
      (r) => r.path === `/webhooks/${APP_ID}/${interaction.token}/messages/@original`,
      {
        timeoutMs: WAIT_MS,
      },
    );
    const messageId = [...fake.messages.entries()].find(
      ([, m]) => (m.embeds as Json[])[0]?.title === 'Heat (2002)',
    )?.[0];
    expect(edit.body!.embeds).toHaveLength(1);
    return messageId!;
  }

  it('adds rating reactions to a single-movie card, and reactions store and remove ratings', async () => {
    const messageId = await postSingleCard('carol');
    const reactionPath = (e: string) => `/channels/${CHANNEL_ID}/messages/${messageId}/reactions/${e}/@me`;
    await fake.waitForRequest((r) => r.method === 'PUT' && r.path === reactionPath('🚫'), {
      timeoutMs: WAIT_MS,
    });
    const added = fake.requests.filter(
      (r) => r.method === 'PUT' && r.path.includes(`/messages/${messageId}/reactions/`),
    );
    expect(added.map((r) => r.path.split('/')[6])).toEqual(['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '🔖', '🚫']);

    // The bot's own reactions come back through the gateway and must be ignored.
    fake.dispatch('MESSAGE_REACTION_ADD', {
      ...reactionPayload('movierec', messageId, '4️⃣', true),
      user_id: BOT_ID,
    });
    fake.dispatch('MESSAGE_REACTION_ADD', reactionPayload('carol', messageId, '4️⃣', true));
    const key = `discord:${GUILD_ID}:${userId('carol')}`;
    await fake.waitFor(() => core.ratings.get(key)?.get(42), WAIT_MS, 'rating stored');
    expect(core.events.filter((e) => e.type === 'reaction' && e.actor.userKey.endsWith(BOT_ID))).toEqual([]);
    fake.dispatch('MESSAGE_REACTION_REMOVE', reactionPayload('carol', messageId, '4️⃣', false));
    await fake.waitFor(() => (core.ratings.get(key)?.has(42) ? undefined : true), WAIT_MS, 'rating removed');
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
    const path = `/webhooks/${APP_ID}/${interaction.token}/messages/@original`;
    fake.rateLimitNext((method, p) => method === 'PATCH' && p === path, 0.6);
    fake.dispatch('INTERACTION_CREATE', interaction);
    const ok = await fake.waitForRequest((r) => r.path === path && r.status === 200, { timeoutMs: WAIT_MS });
    const limited = fake.requests.find((r) => r.path === path && r.status === 429)!;
    expect(limited).toBeDefined();
    expect(ok.at - limited.at).toBeGreaterThanOrEqual(550);
    expect(ok.body!.content).toContain('Profile of erin');
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
    // Heartbeats were sent and acknowledged on the way.
    expect(fake.gatewayReceived.some((m) => m.op === 1)).toBe(true);
    expect(fake.gatewayReceived.filter((m) => m.op === 2)).toHaveLength(identify);
    const interaction = commandInteraction('frank', 'profile');
    fake.dispatch('INTERACTION_CREATE', interaction);
    await fake.waitForRequest(
      (r) => r.path === `/webhooks/${APP_ID}/${interaction.token}/messages/@original`,
      {
        timeoutMs: WAIT_MS,
      },
    );
  });

  it('after a restart, a reaction on an uncached message still rates', async () => {
    const messageId = await postSingleCard('gina');
    await adapter.stop();
    adapter = await startAdapter();
    fake.dispatch('MESSAGE_REACTION_ADD', reactionPayload('gina', messageId, '5️⃣', true));
    const key = `discord:${GUILD_ID}:${userId('gina')}`;
    expect(await fake.waitFor(() => core.ratings.get(key)?.get(42), WAIT_MS, 'rating after restart')).toBe(5);
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
    fake.dispatch('GUILD_CREATE', (await import('./fake-discord.ts')).guildPayload());
    const probe = commandInteraction('hank', 'profile');
    fake.dispatch('INTERACTION_CREATE', probe);
    await fake.waitForRequest((r) => r.path.includes(probe.token) && r.method === 'PATCH', {
      timeoutMs: WAIT_MS,
    });
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
