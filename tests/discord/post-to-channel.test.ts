import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordChannel } from '../../adapters/discord/identity.ts';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import type { PlatformAdapter, Reply } from '../../src/bot/types.ts';
import { captureLogger } from '../ops/log-capture.ts';
import { FakeCore } from './fake-core.ts';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, TOKEN } from './fake-discord.ts';

const WINNER: Reply = {
  text: "🍿 Time's up! Movie night is **Heat (1995)**.",
  cards: [FakeCore.card(42, 'Heat')],
  rateByReaction: true,
};

/** Messages the bot starts itself (poll results): `channel.send` outside any interaction. */
describe('Discord postToChannel against a fake Discord', () => {
  let fake: FakeDiscord;
  let core: FakeCore;
  let adapter: PlatformAdapter;
  const log = captureLogger('warn');
  const channel = discordChannel(GUILD_ID, CHANNEL_ID);
  const isPost = (path: string) => (m: string, p: string) => m === 'POST' && p === path;
  const channelPosts = (from: number) =>
    fake.requests
      .slice(from)
      .filter((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`);

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    core = new FakeCore();
    adapter = createDiscordAdapter(
      { token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl },
      { logger: log.logger, clientOptions: { rest: { timeout: 5_000 } }, readyTimeoutMs: 10_000 },
    );
    await adapter.start(core);
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });

  it('posts the embed, registers the message with the core and adds the rating reactions', async () => {
    const from = fake.requests.length;
    expect(await adapter.postToChannel!(channel, WINNER)).toBe(true);
    const [post] = channelPosts(from);
    expect(post!.status).toBe(200);
    expect(post!.body?.content).toContain('Movie night is **Heat (1995)**');
    const id = String((post!.response as { id: string }).id);
    expect(core.posted.get(`discord:${CHANNEL_ID}:${id}`)?.cards?.map((c) => c.movieId)).toEqual([42]);
    const reactions = fake.requests.filter(
      (r) => r.method === 'PUT' && r.path.includes(`/messages/${id}/reactions/`),
    );
    expect(reactions.length).toBeGreaterThanOrEqual(5);
  });

  it("waits out a 429 for Discord's retry_after, then posts", async () => {
    const from = fake.requests.length;
    fake.rateLimitNext(isPost(`/channels/${CHANNEL_ID}/messages`), 0.3);
    expect(await adapter.postToChannel!(channel, { text: 'after a rate limit' })).toBe(true);
    const posts = channelPosts(from);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    // discord.js waited at least the retry_after Discord named before trying again.
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('a channel that is gone or closed to the bot is logged and answered false, never thrown', async () => {
    fake.failNext(isPost(`/channels/${CHANNEL_ID}/messages`), 403, 50013, 'Missing Permissions');
    expect(await adapter.postToChannel!(channel, { text: 'no permission' })).toBe(false);
    // An uncached channel is fetched first; Discord answers 404 Unknown Channel.
    fake.failNext(
      (m, p) => m === 'GET' && p === '/channels/300000000000000999',
      404,
      10003,
      'Unknown Channel',
    );
    expect(
      await adapter.postToChannel!(discordChannel(GUILD_ID, '300000000000000999'), { text: 'gone' }),
    ).toBe(false);
    const warnings = log.lines().filter((l) => l.msg === 'could not post to the Discord channel');
    expect(warnings.map((w) => w.code)).toEqual([50013, 10003]);
    // Private replies are never posted to a channel.
    const from = fake.requests.length;
    expect(await adapter.postToChannel!(channel, { text: 'only you', ephemeral: true })).toBe(false);
    expect(channelPosts(from)).toEqual([]);
  });
});
