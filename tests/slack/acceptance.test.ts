import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { freePort } from '../helpers/free-port.ts';
import { FAKE_BOT, FakeSlack } from './fake-slack.ts';
import { renderedSince } from './harness.ts';
import { postSigned, randomId, slashCommandBody } from './signed-request.ts';

const SECRET = 'acceptance-signing-secret-0123456789';
const FORM = 'application/x-www-form-urlencoded';
const BIN = path.resolve(import.meta.dirname, '../../bin/movierec.js');
/** Slack's acknowledgement deadline for slash commands. */
const SLACK_ACK_DEADLINE_MS = 3000;

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`movierec start exited ${child.exitCode}:\n${stderr()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`movierec start did not come up:\n${stderr()}`);
}

/**
 * The acceptance check, on the real `movierec start` process: configured only through
 * SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET / SLACK_API_URL (the fake Web API), timed from outside.
 */
describe('movierec start with Slack configured (acceptance)', () => {
  let db: TestDatabase | undefined;
  let fake: FakeSlack;
  let child: ChildProcess;
  let home: string;
  let eventsUrl: string;
  let stderr = '';

  beforeAll(async () => {
    // The Postgres server when there is one, else the embedded PGlite under a temporary home.
    db = DB_KINDS.includes('postgres') ? await createTestDatabase('postgres') : undefined;
    fake = await new FakeSlack().start();
    home = await mkdtemp(path.join(tmpdir(), 'movierec-slack-'));
    const port = await freePort();
    child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        PATH: process.env.PATH,
        ...(db?.url ? { DATABASE_URL: db.url } : {}),
        MOVIEREC_HOME: home,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, () => stderr);
    eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
    await db?.destroy();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const command = (text: string) =>
    slashCommandBody({
      team: FAKE_BOT.team,
      user: 'UACCEPT',
      channel: 'C0ACCEPT',
      command: 'recommend',
      text,
      responseUrl: fake.responseUrl(randomId('R'), { user: 'UACCEPT', channel: 'C0ACCEPT' }),
    });

  it('a signed /recommend 90s comedy gets 200 within 3 s and a message with movie blocks', async () => {
    const started = performance.now();
    const res = await postSigned(eventsUrl, command('90s comedy'), FORM, { secret: SECRET });
    const ackMs = performance.now() - started;
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(SLACK_ACK_DEADLINE_MS);
    let posted: ReturnType<typeof renderedSince> = [];
    for (let i = 0; i < 600 && posted.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      posted = renderedSince(fake, 0).filter((m) => m.titles.length > 0);
    }
    expect(posted.length).toBeGreaterThan(0);
    expect(posted[0]!.titles.length).toBeGreaterThanOrEqual(1);
    expect(posted[0]!.text).toMatch(/Comedy/);
    expect(fake.unexpected).toEqual([]);

    // Once warm (bot identity cached, model trained), measured the same way.
    const again = performance.now();
    const second = await postSigned(eventsUrl, command('heist thriller'), FORM, { secret: SECRET });
    const warmAckMs = performance.now() - again;
    expect(second.status).toBe(200);
    expect(warmAckMs).toBeLessThan(SLACK_ACK_DEADLINE_MS);
    console.info(`slack acceptance: first ack ${ackMs.toFixed(0)} ms, warm ack ${warmAckMs.toFixed(0)} ms`);
  });

  it('a wrongly signed one gets 401', async () => {
    const res = await postSigned(eventsUrl, command('90s comedy'), FORM, {
      secret: SECRET,
      signWith: 'nope',
    });
    expect(res.status).toBe(401);
  });
});
