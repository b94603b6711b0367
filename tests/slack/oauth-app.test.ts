import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, startAdapters } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { slackInstallations } from '../../src/db/schema.ts';
import { freePort } from '../helpers/free-port.ts';
import { FAKE_APP, FakeSlackOAuth } from './fake-slack-oauth.ts';

/**
 * `movierec start` in OAuth mode from the environment alone, as an operator runs it: the composition
 * root hands the database to the Slack adapter, the install pages are served next to /healthz, and an
 * install lands in the embedded database.
 */
describe('movierec start with Slack in OAuth mode', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-oauth-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('serves /slack/install and /slack/oauth_redirect and stores the installation', {
    timeout: 180_000,
  }, async () => {
    const fake = await new FakeSlackOAuth().start();
    const port = await freePort();
    const config = loadConfig({
      MOVIEREC_HOME: home,
      SLACK_CLIENT_ID: FAKE_APP.clientId,
      SLACK_CLIENT_SECRET: FAKE_APP.clientSecret,
      SLACK_STATE_SECRET: 'state-secret-0123456789abcdef',
      SLACK_INSTALLATION_KEY: randomBytes(32).toString('hex'),
      SLACK_SIGNING_SECRET: 'signing-secret-0123456789',
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
    });
    const app = await createApp(config, pino({ level: process.env.LOG_LEVEL ?? 'silent' }));
    const running = await startAdapters(app);
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const start = await fetch(`${base}/slack/install`, { redirect: 'manual' });
      expect(start.status).toBe(302);
      const authorize = new URL(start.headers.get('location')!);
      expect(`${authorize.origin}${authorize.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
      expect(authorize.searchParams.get('scope')).toContain('commands');
      const cookie = /slack-app-oauth-state=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')![1]!;
      const workspace = { team: 'T0APP', name: 'app', botUserId: 'UBOTAPP', botId: 'BAPP' };
      const { code, state } = fake.approve(authorize.toString(), workspace);
      const done = await fetch(
        `${base}/slack/oauth_redirect?${new URLSearchParams({ code, state: state! })}`,
        {
          headers: { cookie: `slack-app-oauth-state=${cookie}` },
        },
      );
      expect(done.status).toBe(200);
      const rows = await app.database.db.select().from(slackInstallations);
      expect(rows.map((r) => r.teamId)).toEqual(['T0APP']);
      expect(fake.unexpected).toEqual([]);
    } finally {
      await running.stop();
      await app.close();
      await fake.close();
    }
  });
});
