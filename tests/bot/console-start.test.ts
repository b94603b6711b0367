import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** A fresh home imports the starter catalog and trains the model before the prompt: minutes under load. */
const START_TIMEOUT_MS = 600_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `movierec start` with no platform configured (the terminal chat), fed `input` on stdin. */
function start(
  home: string,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MOVIEREC_HOME: home, DATABASE_URL: '', NO_COLOR: '1' };
    for (const key of Object.keys(env)) if (/^(DISCORD|SLACK)_|^LOG_LEVEL$/.test(key)) delete env[key];
    const child = spawn(process.execPath, ['bin/movierec.js', 'start'], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Issue 13 item 14: the console says what it is doing while it starts (on stderr, not in the chat), and
 * `quit` ends it cleanly, without the "still running after shutdown" warning (a JSON log line) the
 * grace timer printed before.
 */
describe('movierec start in the terminal', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-console-'));
  afterAll(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it(
    'says what the seconds before the prompt are spent on, answers, and quits without a warning',
    async () => {
      const { code, stdout, stderr } = await start(home, '/search heat\nquit\n');
      expect(code).toBe(0);
      const opening = stderr.indexOf('movierec: opening the database and the catalog');
      const loading = stderr.indexOf('movierec: loading the recommender');
      expect(opening).toBeGreaterThanOrEqual(0);
      expect(loading).toBeGreaterThan(opening);
      // The chat itself stays on stdout, and it answered before quitting.
      expect(stdout).toMatch(/Heat/);
      expect(stdout).not.toMatch(/movierec: opening/);
      expect(`${stdout}\n${stderr}`).not.toMatch(/still running after shutdown|"level"/);
    },
    START_TIMEOUT_MS,
  );
});
