import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CLI = fileURLToPath(new URL('../../bin/movierec.js', import.meta.url));
const execFileAsync = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The temporary MOVIEREC_HOME / working directory the command ran in (removed by `cleanup`). */
  home: string;
  cleanup(): void;
}

/** Runs `movierec …` in a fresh working directory with only the given environment (no .env). */
export async function movierec(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-extras-cli-'));
  const cleanup = () => fs.rmSync(home, { recursive: true, force: true });
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, MOVIEREC_HOME: home, LOG_LEVEL: 'warn', ...env },
      cwd: home,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, home, cleanup };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, home, cleanup };
  }
}
