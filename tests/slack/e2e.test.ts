import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from '../../adapters/slack/index.ts';
import { loadConfig } from '../../src/config.ts';
import { ratings, users } from '../../src/db/schema.ts';
import { createTestCore, FIXTURE_MOVIES, quietLogger, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { freePort } from '../helpers/free-port.ts';
import { FakeSlack } from './fake-slack.ts';
import { commandFrom, renderedSince, slackUserId, TEST_TEAM } from './harness.ts';
import { eventBody, postSigned, randomId } from './signed-request.ts';

const SECRET = 'e2e-signing-secret-fedcba9876543210';
const FORM = 'application/x-www-form-urlencoded';
const COMEDIES = FIXTURE_MOVIES.filter((m) => m.genres.includes('Comedy')).map((m) => m.title);

describe.each(DB_KINDS)('Slack end to end with the real core (%s)', (kind) => {
  let t: TestCore;
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  let url: string;

  beforeAll(async () => {
    t = await createTestCore(kind);
    fake = await new FakeSlack().start();
    // Configured exactly as an operator would: environment → config → adapter.
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: String(await freePort()),
    });
    adapter = createSlackAdapter(config.slack!, {
      logger: quietLogger(),
      port: config.port,
      host: '127.0.0.1',
    });
    await adapter.start(t.core);
    url = `http://127.0.0.1:${config.port}${SLACK_EVENTS_PATH}`;
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await t?.close();
  });

  const recommend = (user: string) => commandFrom(fake, { user, name: 'recommend', text: '90s comedy' });

  it('a signed /recommend 90s comedy is acknowledged and leads to movie blocks at the Web API', async () => {
    const from = fake.calls.length;
    const res = await postSigned(url, recommend('UERIN'), FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    await adapter.idle();
    expect(fake.unexpected).toEqual([]);
    const posts = fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(1);
    const [list] = renderedSince(fake, from);
    expect(list!.titles.length).toBeGreaterThanOrEqual(1);
    // The core may widen the years (its relaxation, said in the text), never the genre.
    for (const title of list!.titles) expect(COMEDIES).toContain(title);
    expect(list!.text).toMatch(/Looking for: comedy · 1990–1999/);
    const blocks = JSON.stringify(posts[0]!.body.blocks);
    expect(blocks).toContain('Comedy');
    // One page, one message: a "pick a movie" select naming every card (#1…), then More.
    expect(blocks).toMatch(/"action_id":"mr:card"/);
    for (const [i, title] of list!.titles.entries()) expect(blocks).toContain(`#${i + 1} ${title}`);
  });

  it('a wrongly signed /recommend gets 401 and stores nothing', async () => {
    const from = fake.calls.length;
    const res = await postSigned(url, recommend('UMALLORY'), FORM, { secret: SECRET, signWith: 'wrong' });
    expect(res.status).toBe(401);
    await adapter.idle();
    expect(fake.calls.length).toBe(from);
    const rows = await t.db.db
      .select()
      .from(users)
      .where(eq(users.externalId, `slack:${TEST_TEAM}:UMALLORY`));
    expect(rows).toEqual([]);
  });

  it('a rating reaction retried by Slack (same event_id, X-Slack-Retry-Num) is counted once', async () => {
    const user = slackUserId('gus');
    const from = fake.calls.length;
    const movie = commandFrom(fake, { user, name: 'movie', text: 'Heat' });
    await postSigned(url, movie, FORM, { secret: SECRET });
    await adapter.idle();
    const card = renderedSince(fake, from).find((m) => m.key && m.titles.length === 1)!;
    expect(card.reactions).toEqual(['one', 'two', 'three', 'four', 'five', 'bookmark', 'no_entry_sign']);
    const [, channel, ts] = card.key!.split(':');
    const reaction = (eventId: string, added: boolean) =>
      eventBody({
        team: TEST_TEAM,
        eventId,
        event: {
          type: added ? 'reaction_added' : 'reaction_removed',
          user,
          reaction: 'five',
          item: { type: 'message', channel, ts },
          item_user: 'UBOTMOVIE',
          event_ts: '1700000002.000001',
        },
      });
    const stars = async () => {
      const rows = await t.db.db
        .select({ rating: ratings.rating })
        .from(ratings)
        .innerJoin(users, eq(users.id, ratings.userId))
        .where(eq(users.externalId, `slack:${TEST_TEAM}:${user}`));
      return rows.map((r) => r.rating);
    };
    await postSigned(url, reaction('Ev0ADD', true), 'application/json', { secret: SECRET });
    await adapter.idle();
    expect(await stars()).toEqual([5]);
    await postSigned(url, reaction('Ev0REMOVE', false), 'application/json', { secret: SECRET });
    await adapter.idle();
    expect(await stars()).toEqual([]);
    // Slack redelivers the first event late: it must not bring the removed rating back.
    const retry = await postSigned(url, reaction('Ev0ADD', true), 'application/json', {
      secret: SECRET,
      retryNum: 1,
    });
    expect(retry.status).toBe(200);
    await adapter.idle();
    expect(await stars()).toEqual([]);
  });

  it('a 429 with Retry-After from the Web API is waited out and the list still arrives', async () => {
    fake.rateLimitNext('chat.postMessage', 1);
    const from = fake.calls.length;
    await postSigned(url, recommend('UHAL'), FORM, { secret: SECRET });
    await adapter.idle();
    const posts = fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(renderedSince(fake, from)[0]!.titles.length).toBeGreaterThanOrEqual(1);
  });

  it('/import with a link to an uploaded Letterboxd export imports the ratings', async () => {
    const user = slackUserId('ida');
    fake.addFile(
      'F0RATINGS1',
      'ratings.csv',
      'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1981,https://boxd.it/x,4.5\n2024-01-02,Ronin,1984,https://boxd.it/y,3\n',
    );
    const from = fake.calls.length;
    const body = commandFrom(fake, {
      user,
      name: 'import',
      text: 'https://movierec-test.slack.com/files/UIDA/F0RATINGS1/ratings.csv',
    });
    await postSigned(url, body, FORM, { secret: SECRET });
    await adapter.idle();
    const [reply] = renderedSince(fake, from);
    expect(reply!.ephemeral).toBe(true);
    expect(reply!.text).toMatch(/Imported 2 of 2 ratings/);
    const rows = await t.db.db
      .select({ rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .where(eq(users.externalId, `slack:${TEST_TEAM}:${user}`));
    expect(rows.map((r) => r.rating).sort()).toEqual([3, 4.5]);

    const missing = commandFrom(fake, { user, name: 'import', text: '' });
    const before = fake.calls.length;
    await postSigned(url, missing, FORM, { secret: SECRET });
    await adapter.idle();
    expect(renderedSince(fake, before)[0]!.text).toMatch(/Upload your ratings.csv/);
  });

  it('opening the App Home publishes recommendations, profile and watchlist', async () => {
    const from = fake.calls.length;
    const body = eventBody({
      team: TEST_TEAM,
      eventId: randomId('Ev'),
      event: { type: 'app_home_opened', user: 'UERIN', channel: 'D0ERIN', tab: 'home', event_ts: '1.0' },
    });
    expect((await postSigned(url, body, 'application/json', { secret: SECRET })).status).toBe(200);
    await adapter.idle();
    const [publish] = fake.calls.slice(from).filter((c) => c.method === 'views.publish');
    expect(publish!.body.user_id).toBe('UERIN');
    const json = JSON.stringify(publish!.body.view);
    for (const header of ['Fresh recommendations', 'Your taste profile', 'Your watchlist']) {
      expect(json).toContain(header);
    }
    // The recommendations can be acted on: each film is in the page's "pick a movie" select.
    expect(json).toMatch(/"action_id":"mr:card"/);
    expect(json).toMatch(/"text":"#1 [^"]+"/);
  });
});
