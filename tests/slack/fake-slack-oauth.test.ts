import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODE_LIFETIME_MS, FAKE_APP, FakeSlackOAuth, ROTATING_TOKEN_SECONDS } from './fake-slack-oauth.ts';

const AUTHORIZE = 'https://slack.com/oauth/v2/authorize';
const ACME = { team: 'T0ACME', name: 'acme', botUserId: 'UBOTACME', botId: 'BACME' };

/** The fake's OAuth rules, each as Slack documents it (see the comments in fake-slack-oauth.ts). */
describe('fake Slack: oauth.v2.access and per-workspace tokens', () => {
  let fake: FakeSlackOAuth;
  let clock: number;
  const noToken = () =>
    new webApi.WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const exchange = (args: Record<string, string>) =>
    noToken()
      .apiCall('oauth.v2.access', {
        client_id: FAKE_APP.clientId,
        client_secret: FAKE_APP.clientSecret,
        ...args,
      })
      .then(
        (r) => r as unknown as Record<string, unknown>,
        (error: { data?: Record<string, unknown> }) => error.data ?? {},
      );
  const call = (token: string, method: string) =>
    new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } })
      .apiCall(method, {})
      .then(
        (r) => r as unknown as Record<string, unknown>,
        (error: { data?: Record<string, unknown> }) => error.data ?? {},
      );
  const grant = (query = 'scope=commands') =>
    fake.approve(`${AUTHORIZE}?client_id=${FAKE_APP.clientId}&${query}`, ACME).code;

  beforeEach(async () => {
    fake = await new FakeSlackOAuth().start();
    clock = Date.now();
    fake.now = () => clock;
  });
  afterEach(async () => {
    await fake.close();
  });

  it('the authorize page needs our client id and a scope', () => {
    expect(() => fake.approve(`${AUTHORIZE}?client_id=other&scope=commands`, ACME)).toThrow(
      /invalid_client_id/,
    );
    expect(() => fake.approve(`${AUTHORIZE}?client_id=${FAKE_APP.clientId}`, ACME)).toThrow(/invalid_scope/);
  });

  it('exchanges a code once, with the right credentials, within ten minutes', async () => {
    expect(await exchange({ code: grant(), client_secret: 'wrong' })).toMatchObject({
      error: 'bad_client_secret',
    });
    expect(await exchange({ code: grant(), client_id: 'other' })).toMatchObject({
      error: 'invalid_client_id',
    });
    const code = grant();
    const first = await exchange({ code });
    expect(first).toMatchObject({
      ok: true,
      token_type: 'bot',
      team: { id: ACME.team },
      bot_user_id: ACME.botUserId,
      is_enterprise_install: false,
    });
    expect(first.refresh_token).toBeUndefined();
    expect(await exchange({ code })).toMatchObject({ error: 'invalid_code' });
    const late = grant();
    clock += CODE_LIFETIME_MS + 1;
    expect(await exchange({ code: late })).toMatchObject({ error: 'invalid_code' });
  });

  it('a redirect_uri given to the authorize page must be repeated exactly', async () => {
    const uri = 'https://movierec.example.com/slack/oauth_redirect';
    const code = grant(`scope=commands&redirect_uri=${encodeURIComponent(uri)}`);
    expect(await exchange({ code, redirect_uri: 'https://elsewhere.example.com/cb' })).toMatchObject({
      error: 'bad_redirect_uri',
    });
    expect(
      await exchange({
        code: grant(`scope=commands&redirect_uri=${encodeURIComponent(uri)}`),
        redirect_uri: uri,
      }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('with token rotation, tokens expire after 12 hours and each refresh token works once', async () => {
    fake.tokenRotation = true;
    const issued = await exchange({ code: grant() });
    expect(issued).toMatchObject({ ok: true, expires_in: ROTATING_TOKEN_SECONDS });
    const token = String(issued.access_token);
    expect(await call(token, 'auth.test')).toMatchObject({ ok: true, team_id: ACME.team });
    clock += (ROTATING_TOKEN_SECONDS - 3600) * 1000;
    const refreshed = await exchange({
      grant_type: 'refresh_token',
      refresh_token: String(issued.refresh_token),
    });
    expect(refreshed).toMatchObject({ ok: true, token_type: 'bot' });
    expect(refreshed.refresh_token).not.toBe(issued.refresh_token);
    expect(
      await exchange({ grant_type: 'refresh_token', refresh_token: String(issued.refresh_token) }),
    ).toMatchObject({
      error: 'invalid_refresh_token',
    });
    clock += 3600 * 1000;
    expect(await call(token, 'auth.test')).toMatchObject({ error: 'token_expired' });
    expect(await call(String(refreshed.access_token), 'auth.test')).toMatchObject({ ok: true });
  });

  it('uninstalling revokes the workspace tokens; unknown tokens are invalid_auth', async () => {
    const token = String((await exchange({ code: grant() })).access_token);
    expect(await call(token, 'chat.postMessage')).toMatchObject({ error: 'no_text' });
    fake.uninstall(ACME.team);
    expect(await call(token, 'auth.test')).toMatchObject({ error: 'token_revoked' });
    expect(await call('xoxb-nobody', 'auth.test')).toMatchObject({ error: 'invalid_auth' });
  });
});
