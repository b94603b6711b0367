import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installationCipher, keyId } from '../../adapters/slack/installation-crypto.ts';
import { REDIRECT_PATH, SLACK_BOT_SCOPES } from '../../adapters/slack/oauth.ts';
import { ConfigError, loadConfig, parseInstallationKey } from '../../src/config.ts';

const KEY = randomBytes(32);
const OAUTH = {
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret-0123456789',
  SLACK_INSTALLATION_KEY: KEY.toString('base64'),
  SLACK_SIGNING_SECRET: 'signing-secret',
};

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('Slack OAuth mode configuration', () => {
  it('selects OAuth mode from the four variables, with the key as bytes', () => {
    const slack = loadConfig(OAUTH).slack!;
    expect(slack.botToken).toBeUndefined();
    expect(slack.oauth).toMatchObject({ clientId: '1111.2222', stateSecret: 'state-secret-0123456789' });
    expect(slack.oauth!.installationKey.equals(KEY)).toBe(true);
    expect(
      loadConfig({ ...OAUTH, SLACK_INSTALLATION_KEY: KEY.toString('hex') }).slack!.oauth!.installationKey,
    ).toEqual(KEY);
  });

  it('keeps single-workspace mode as it was', () => {
    const slack = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack!;
    expect(slack).toEqual({ botToken: 'xoxb-1', signingSecret: 's', appToken: undefined, apiUrl: undefined });
  });

  it('refuses to start without the installation key, naming it', () => {
    const { SLACK_INSTALLATION_KEY: _, ...withoutKey } = OAUTH;
    expect(problem(withoutKey)).toMatch(/SLACK_INSTALLATION_KEY: required for Slack OAuth mode/);
  });

  it('names every missing OAuth variable when only some are set', () => {
    const message = problem({ SLACK_CLIENT_ID: 'x', SLACK_SIGNING_SECRET: 's' });
    for (const name of ['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_INSTALLATION_KEY'])
      expect(message).toContain(`${name}: required`);
    expect(message).not.toContain('SLACK_CLIENT_ID: required');
  });

  it('refuses a key that is not 32 bytes, with how to make one', () => {
    for (const bad of ['short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex')])
      expect(problem({ ...OAUTH, SLACK_INSTALLATION_KEY: bad })).toMatch(/32 random bytes.*openssl rand/);
    expect(parseInstallationKey(randomBytes(32).toString('base64'))).toHaveLength(32);
  });

  it('refuses a bot token, an app token or a missing signing secret next to OAuth', () => {
    expect(problem({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/either SLACK_BOT_TOKEN .* not both/);
    expect(problem({ ...OAUTH, SLACK_APP_TOKEN: 'xapp-1' })).toMatch(
      /SLACK_APP_TOKEN: Slack OAuth mode runs over HTTP/,
    );
    const { SLACK_SIGNING_SECRET: _, ...unsigned } = OAUTH;
    expect(problem(unsigned)).toMatch(/SLACK_SIGNING_SECRET: required in Slack OAuth mode/);
  });

  it('takes a redirect URI only when it is the https address of /slack/oauth_redirect', () => {
    const uri = 'https://movierec.example.com/slack/oauth_redirect';
    expect(loadConfig({ ...OAUTH, SLACK_REDIRECT_URI: uri }).slack!.oauth!.redirectUri).toBe(uri);
    expect(
      problem({ ...OAUTH, SLACK_REDIRECT_URI: 'http://movierec.example.com/slack/oauth_redirect' }),
    ).toMatch(/SLACK_REDIRECT_URI/);
    expect(problem({ ...OAUTH, SLACK_REDIRECT_URI: 'https://movierec.example.com/callback' })).toMatch(
      /SLACK_REDIRECT_URI/,
    );
  });

  it('refuses a state secret too short to sign with', () => {
    expect(problem({ ...OAUTH, SLACK_STATE_SECRET: 'short' })).toMatch(
      /SLACK_STATE_SECRET: must be at least 16/,
    );
  });
});

describe('installation cipher (AES-256-GCM)', () => {
  it('opens what it sealed, for the same team only, and never repeats a ciphertext', () => {
    const cipher = installationCipher(KEY);
    const a = cipher.seal('{"bot":{"token":"xoxb-secret"}}', 'T1');
    expect(a).not.toContain('xoxb');
    expect(cipher.seal('{"bot":{"token":"xoxb-secret"}}', 'T1')).not.toBe(a);
    expect(cipher.open(a, 'T1')).toEqual({ plaintext: '{"bot":{"token":"xoxb-secret"}}', stale: false });
    expect(() => cipher.open(a, 'T2')).toThrow();
    // A flipped byte in the ciphertext fails authentication.
    const parts = a.split(':');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0]! ^= 1;
    parts[4] = body.toString('base64url');
    expect(() => cipher.open(parts.join(':'), 'T1')).toThrow();
  });

  it('reads values sealed with the previous key during a key rotation and says they are stale', () => {
    const next = randomBytes(32);
    const sealedOld = installationCipher(KEY).seal('x', 'T1');
    const rotating = installationCipher(next, KEY);
    expect(rotating.open(sealedOld, 'T1')).toEqual({ plaintext: 'x', stale: true });
    expect(rotating.seal('x', 'T1')).toContain(`:${keyId(next)}:`);
    expect(() => installationCipher(next).open(sealedOld, 'T1')).toThrow(/neither/);
  });
});

describe('manifest for distribution', () => {
  const manifest = JSON.parse(
    readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8'),
  ) as {
    oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
    settings: { org_deploy_enabled: boolean; event_subscriptions: { bot_events: string[] } };
  };

  it('asks for the manifest scopes at install, redirects to /slack/oauth_redirect and hears uninstalls', () => {
    expect([...SLACK_BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect(manifest.oauth_config.redirect_urls.map((u) => new URL(u).pathname)).toEqual([REDIRECT_PATH]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
    // Org-wide installs are refused by the app, so the manifest does not offer them.
    expect(manifest.settings.org_deploy_enabled).toBe(false);
  });
});
