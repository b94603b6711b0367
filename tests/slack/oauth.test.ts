import { randomBytes } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackChannel } from '../../adapters/slack/identity.ts';
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from '../../adapters/slack/index.ts';
import { installationCipher } from '../../adapters/slack/installation-crypto.ts';
import { loadConfig, parseInstallationKey } from '../../src/config.ts';
import { ratings, slackInstallations, users } from '../../src/db/schema.ts';
import { createTestCore, quietLogger, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { freePort } from '../helpers/free-port.ts';
import { FAKE_APP, FakeSlackOAuth, type FakeWorkspace, ROTATING_TOKEN_SECONDS } from './fake-slack-oauth.ts';
import { commandFrom, renderedSince } from './harness.ts';
import { eventBody, postSigned, randomId } from './signed-request.ts';

const SECRET = 'oauth-signing-secret-0123456789abcdef';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const STATE_COOKIE = 'slack-app-oauth-state';

/** A workspace of its own for each test (tests do not depend on each other's installs). */
function workspace(name: string): FakeWorkspace {
  const id = name.toUpperCase();
  return { team: `T0${id}`, name, botUserId: `UBOT${id}`, botId: `B${id}` };
}
const ACME = workspace('acme');
const BETA = workspace('beta');
/** The same user id in both workspaces: a person is still two separate users. */
const SAM = 'U0SAM';

describe.each(DB_KINDS)('Slack installed in many workspaces through OAuth (%s)', (kind) => {
  let t: TestCore;
  let fake: FakeSlackOAuth;
  let adapter: SlackAdapter;
  let base: string;
  let events: string;
  const installationKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    t = await createTestCore(kind);
    fake = await new FakeSlackOAuth().start();
    // Read the clock at each call, so the rotation test can move it (Bolt's InstallProvider reads Date.now).
    fake.now = () => Date.now();
    // Configured exactly as an operator would: environment → config → adapter.
    const config = loadConfig({
      SLACK_CLIENT_ID: FAKE_APP.clientId,
      SLACK_CLIENT_SECRET: FAKE_APP.clientSecret,
      SLACK_STATE_SECRET: 'state-secret-0123456789abcdef',
      SLACK_INSTALLATION_KEY: installationKey,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: String(await freePort()),
    });
    adapter = createSlackAdapter(config.slack!, {
      logger: quietLogger(),
      port: config.port,
      host: '127.0.0.1',
      db: t.db.db,
      nowMs: () => Date.now(),
      retryConfig: { retries: 1, factor: 1, minTimeout: 20, maxTimeout: 50 },
    });
    await adapter.start(t.core);
    base = `http://127.0.0.1:${config.port}`;
    events = `${base}${SLACK_EVENTS_PATH}`;
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await t?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    fake.tokenRotation = false;
    expect(fake.unexpected).toEqual([]);
  });

  /** A browser opens /slack/install: Bolt sets the state cookie and sends it to Slack's authorize page. */
  async function startInstall(): Promise<{ authorizeUrl: string; cookie: string }> {
    const res = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const cookie = /slack-app-oauth-state=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeDefined();
    return { authorizeUrl: res.headers.get('location')!, cookie: cookie! };
  }

  /** Slack sends the browser back to the redirect URL; the browser brings its cookie along. */
  function callback(query: Record<string, string | null>, cookie: string | undefined) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== null) params.set(k, v);
    return fetch(`${base}/slack/oauth_redirect?${params}`, {
      redirect: 'manual',
      headers: cookie ? { cookie: `${STATE_COOKIE}=${cookie}` } : {},
    });
  }

  async function install(workspace: FakeWorkspace): Promise<void> {
    const { authorizeUrl, cookie } = await startInstall();
    const { code, state } = fake.approve(authorizeUrl, workspace);
    const res = await callback({ code, state }, cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('movierec is installed');
  }

  const installedTeams = async () =>
    (await t.db.db.select({ team: slackInstallations.teamId }).from(slackInstallations))
      .map((r) => r.team)
      .sort();

  /** A signed slash command from `user` in `workspace`; resolves once it is answered. */
  async function command(workspace: FakeWorkspace, user: string, name: string, text: string) {
    const from = fake.calls.length;
    const body = commandFrom(fake, { team: workspace.team, user, channel: `C${workspace.team}`, name, text });
    const res = await fake.deliver(events, body, FORM, { secret: SECRET });
    await adapter.idle();
    return { status: res.status, calls: fake.calls.slice(from), replies: renderedSince(fake, from) };
  }

  async function lifecycle(workspace: FakeWorkspace, event: Record<string, unknown>) {
    const body = eventBody({ team: workspace.team, eventId: randomId('Ev'), event });
    const res = await postSigned(events, body, JSON_TYPE, { secret: SECRET });
    await adapter.idle();
    return res.status;
  }

  const ratingsOf = async (team: string) =>
    (
      await t.db.db
        .select({ rating: ratings.rating })
        .from(ratings)
        .innerJoin(users, eq(users.id, ratings.userId))
        .where(eq(users.externalId, `slack:${team}:${SAM}`))
    ).map((r) => r.rating);

  it('two workspaces install; each is answered with its own bot token and sees only its own data', async () => {
    await install(ACME);
    await install(BETA);
    expect(await installedTeams()).toEqual([ACME.team, BETA.team]);
    // Bolt checked each new token with auth.test: the fake knows whose it is.
    expect(fake.tokenOf(ACME.team)).not.toBe(fake.tokenOf(BETA.team));

    const rated = await command(ACME, SAM, 'rate', 'Heat 5');
    expect(rated.status).toBe(200);
    expect(rated.replies.map((r) => r.text).join('\n')).toMatch(/Rated .*Heat/);
    expect(await ratingsOf(ACME.team)).toEqual([5]);

    // The same person id in the other workspace is another user: no rating there.
    const profileB = await command(BETA, SAM, 'profile', '');
    expect(profileB.replies.map((r) => r.text).join('\n')).toMatch(/haven't rated anything yet/);
    const profileA = await command(ACME, SAM, 'profile', '');
    expect(profileA.replies.map((r) => r.text).join('\n')).toContain('Heat');
    expect(await ratingsOf(BETA.team)).toEqual([]);

    // Public lists are posted with the asking workspace's own bot token.
    for (const w of [ACME, BETA]) {
      const asked = await command(w, SAM, 'recommend', '');
      const posts = asked.calls.filter((c) => c.method === 'chat.postMessage');
      expect(posts).toHaveLength(1);
      expect(posts[0]!.authorization).toBe(`Bearer ${fake.tokenOf(w.team)}`);
      expect(posts[0]!.result.ok).toBe(true);
    }
  });

  it('tokens at rest are sealed: no token appears in the table, and only the right key and row open them', async () => {
    const [sealedA, sealedB] = [workspace('sealeda'), workspace('sealedb')];
    fake.tokenRotation = true;
    await install(sealedA);
    await install(sealedB);
    fake.tokenRotation = false;
    const rows = await t.db.db.select().from(slackInstallations);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const stored = JSON.stringify(row);
      for (const secret of fake.secretsOf(row.teamId)) expect(stored).not.toContain(secret);
      expect(stored).not.toMatch(/xox[bpe]-/);
      expect(row.data).toMatch(/^v1:[0-9a-f]{8}:/);
    }
    const a = rows.find((r) => r.teamId === sealedA.team)!;
    const key = parseInstallationKey(installationKey)!;
    const opened = JSON.parse(installationCipher(key).open(a.data, sealedA.team).plaintext);
    expect(opened.bot.token).toBe(fake.tokenOf(sealedA.team));
    expect(opened.bot.refreshToken).toMatch(/^xoxe-1-/);
    // Another key, or the sealed value moved onto another workspace's row: refused, not garbage.
    expect(() => installationCipher(randomBytes(32)).open(a.data, sealedA.team)).toThrow();
    expect(() => installationCipher(key).open(a.data, sealedB.team)).toThrow();
  });

  it('a callback with a missing or bad state, another browser, a replayed code or an org-wide install is refused', async () => {
    const before = await installedTeams();
    expect(before).not.toContain('T0GAMMA');
    const accessCalls = () => fake.callsOf('oauth.v2.access').length;
    const GAMMA = workspace('gamma');

    const { authorizeUrl, cookie } = await startInstall();
    const { code, state } = fake.approve(authorizeUrl, GAMMA);
    const calls = accessCalls();
    // No state at all.
    const missing = await callback({ code, state: null }, cookie);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/start again from \/slack\/install/);
    // A state that is not ours (forged, or signed with another secret) with a cookie saying so.
    const forged = `${state!.slice(0, -4)}AAAA`;
    expect((await callback({ code, state: forged }, forged)).status).toBe(400);
    // Our state, but in a browser that never started the install (no cookie): login CSRF.
    expect((await callback({ code, state }, undefined)).status).toBe(400);
    // None of these reached Slack, and nothing was stored.
    expect(accessCalls()).toBe(calls);
    expect(await installedTeams()).toEqual(before);

    // The genuine callback works once; the same code again is refused by Slack and by us.
    expect((await callback({ code, state }, cookie)).status).toBe(200);
    expect(await installedTeams()).toEqual([...before, GAMMA.team].sort());
    const replay = await callback({ code, state }, cookie);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used or has expired/);
    expect(fake.callsOf('oauth.v2.access').at(-1)!.result).toEqual({ ok: false, error: 'invalid_code' });

    // An Enterprise Grid org-wide install: refused with a reason, nothing stored.
    const org = await startInstall();
    const grant = fake.approve(org.authorizeUrl, { ...GAMMA, team: 'T0ORG' }, { orgWide: true });
    const orgRes = await callback({ code: grant.code, state: grant.state }, org.cookie);
    expect(orgRes.status).toBe(400);
    expect(await orgRes.text()).toMatch(/one workspace at a time/);
    expect(await installedTeams()).toEqual([...before, GAMMA.team].sort());

    // The user pressed Cancel on Slack's page: Slack redirects with error=access_denied.
    const cancelled = await startInstall();
    expect((await callback({ error: 'access_denied', state: 'x' }, cancelled.cookie)).status).toBe(400);
  });

  it('uninstalling one workspace removes its installation and data, leaves the other intact, and ignores its later events', async () => {
    const [ACME, BETA] = [workspace('gone'), workspace('stays')];
    await install(ACME);
    await install(BETA);
    await command(ACME, SAM, 'rate', 'Heat 5');
    await command(BETA, SAM, 'rate', 'Heat 3');
    expect(await ratingsOf(ACME.team)).toEqual([5]);
    fake.uninstall(ACME.team);
    expect(await lifecycle(ACME, { type: 'app_uninstalled' })).toBe(200);
    expect(await installedTeams()).not.toContain(ACME.team);
    const acmeUsers = await t.db.db
      .select()
      .from(users)
      .where(like(users.externalId, `slack:${ACME.team}:%`));
    expect(acmeUsers).toEqual([]);
    expect(await ratingsOf(ACME.team)).toEqual([]);
    // Beta: still installed, its users still there, still answered.
    expect(await installedTeams()).toContain(BETA.team);
    expect(await ratingsOf(BETA.team)).toEqual([3]);
    const stillServed = await command(BETA, SAM, 'profile', '');
    expect(stillServed.status).toBe(200);
    expect(stillServed.replies).toHaveLength(1);

    // A later event from Acme: refused, no reply, nothing written.
    const later = await command(ACME, SAM, 'rate', 'Heat 4');
    expect(later.status).toBe(401);
    expect(later.calls).toEqual([]);
    const reaction = await lifecycle(ACME, {
      type: 'reaction_added',
      user: SAM,
      reaction: 'five',
      item: { type: 'message', channel: `C${ACME.team}`, ts: '1700000000.000001' },
      item_user: ACME.botUserId,
      event_ts: '1700000002.000001',
    });
    expect(reaction).toBe(401);
    expect(
      await t.db.db
        .select()
        .from(users)
        .where(like(users.externalId, `slack:${ACME.team}:%`)),
    ).toEqual([]);
    // Slack retrying the uninstall event is harmless.
    expect(await lifecycle(ACME, { type: 'app_uninstalled' })).toBe(200);
  });

  it('tokens_revoked for user tokens only keeps the workspace; for the bot token it removes it like an uninstall', async () => {
    const revoked = workspace('revoked');
    await install(revoked);
    await command(revoked, SAM, 'rate', 'Heat 2');
    expect(await lifecycle(revoked, { type: 'tokens_revoked', tokens: { oauth: ['UINSTALLER'] } })).toBe(200);
    expect(await installedTeams()).toContain(revoked.team);
    expect(await ratingsOf(revoked.team)).toEqual([2]);
    fake.uninstall(revoked.team);
    expect(await lifecycle(revoked, { type: 'tokens_revoked', tokens: { bot: [revoked.botUserId] } })).toBe(
      200,
    );
    expect(await installedTeams()).not.toContain(revoked.team);
    expect(await ratingsOf(revoked.team)).toEqual([]);
  });

  it("posts the bot's own messages (poll results) with the channel's workspace token, and none to an uninstalled one", async () => {
    const [posting, removed] = [workspace('posting'), workspace('removed')];
    await install(posting);
    await install(removed);
    fake.uninstall(removed.team);
    expect(await lifecycle(removed, { type: 'app_uninstalled' })).toBe(200);
    const from = fake.calls.length;
    expect(
      await adapter.postToChannel(slackChannel(posting.team, `C${posting.team}`), { text: 'Tonight: Heat' }),
    ).toBe(true);
    expect(
      await adapter.postToChannel(slackChannel(removed.team, `C${removed.team}`), { text: 'Tonight: Heat' }),
    ).toBe(false);
    const posts = fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.authorization)).toEqual([`Bearer ${fake.tokenOf(posting.team)}`]);
  });

  it("rotates an expiring bot token through oauth.v2.access and keeps the workspace's newest tokens", async () => {
    fake.tokenRotation = true;
    const DELTA = workspace('delta');
    await install(DELTA);
    const first = fake.tokenOf(DELTA.team)!;
    const sealed = async () => {
      const [row] = await t.db.db
        .select()
        .from(slackInstallations)
        .where(eq(slackInstallations.teamId, DELTA.team));
      return JSON.parse(
        installationCipher(parseInstallationKey(installationKey)!).open(row!.data, DELTA.team).plaintext,
      );
    };
    const stored = await sealed();
    expect(stored.bot.token).toBe(first);
    expect(stored.bot.refreshToken).toMatch(/^xoxe-1-/);

    const postedWith = async () => {
      const asked = await command(DELTA, SAM, 'recommend', '');
      const post = asked.calls.find((c) => c.method === 'chat.postMessage')!;
      expect(post.result.ok).toBe(true);
      return post.authorization;
    };
    // Fresh token: used as it is, nothing refreshed.
    const refreshes = () =>
      fake.callsOf('oauth.v2.access').filter((c) => c.body.grant_type === 'refresh_token');
    expect(await postedWith()).toBe(`Bearer ${first}`);
    expect(refreshes()).toHaveLength(0);

    // 11 hours later the token expires within Bolt's 2-hour window: the next event refreshes it first.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * 3600 * 1000);
    expect(await postedWith()).toBe(`Bearer ${fake.tokenOf(DELTA.team)}`);
    const second = fake.tokenOf(DELTA.team)!;
    expect(second).not.toBe(first);
    expect(refreshes()).toHaveLength(1);
    expect(refreshes()[0]!.result.ok).toBe(true);
    const rotated = await sealed();
    expect(rotated.bot.token).toBe(second);
    expect(rotated.bot.refreshToken).not.toBe(stored.bot.refreshToken);
    expect(rotated.bot.expiresAt).toBeGreaterThan(stored.bot.expiresAt + 10 * 3600);

    // Past the first token's 12 hours: only the rotated one works, and it is what is used.
    vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
    expect(ROTATING_TOKEN_SECONDS).toBe(12 * 3600);
    expect(await postedWith()).toBe(`Bearer ${second}`);
    expect(refreshes()).toHaveLength(1);
  });
});
