import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, redactUrl } from '../src/db/client.ts';
import { DatabaseUnavailableError, UserError } from '../src/errors.ts';

const tempDirs: string[] = [];
function tempHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-client-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('reports an unreachable server clearly, without the password', async () => {
    const error = await openDatabase({ url: 'postgres://bob:secret@127.0.0.1:1/nowhere' }).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).not.toContain('secret');
  });

  it('refuses an embedded database another live process holds', async () => {
    const home = tempHome();
    // Our parent process is alive and is not us: exactly the "bot already running" situation.
    fs.writeFileSync(path.join(home, 'pglite.lock'), String(process.ppid));
    const error = await openDatabase({ home }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('database-in-use');
    expect(error.message).toContain(String(process.ppid));
  });

  it('takes over a stale lock, keeps data across reopen, and releases the lock on close', async () => {
    const home = tempHome();
    fs.writeFileSync(path.join(home, 'pglite.lock'), '2147483646');
    const first = await openDatabase({ home });
    expect(fs.readFileSync(path.join(home, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
    await first.db.execute('create table kept (x int)');
    await first.db.execute('insert into kept values (42)');
    await first.close();
    expect(fs.existsSync(path.join(home, 'pglite.lock'))).toBe(false);

    const second = await openDatabase({ home });
    const result = (await second.db.execute('select x from kept')) as unknown as { rows: { x: number }[] };
    expect(result.rows).toEqual([{ x: 42 }]);
    await second.close();
    // Two on-disk PGlite starts: seconds each when idle, past the default minute on a loaded 2-core machine.
  }, 180_000);
});

describe('redactUrl', () => {
  it('hides passwords and leaves password-less URLs alone', () => {
    expect(redactUrl('postgres://u:p%40ss@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/test')).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
  });
});
