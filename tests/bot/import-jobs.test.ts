import { describe, expect, it } from 'vitest';
import { IMPORT_CONCURRENCY, type ImportJob, ImportJobs } from '../../src/bot/import/jobs.ts';
import type { Reply } from '../../src/bot/types.ts';

/** Work that runs until the test lets it finish. */
function heldWork() {
  const started: ImportJob[] = [];
  const releases: (() => void)[] = [];
  const work = (job: ImportJob) =>
    new Promise<Reply>((resolve) => {
      started.push(job);
      releases.push(() => resolve({ text: 'done' }));
    });
  return { work, started, release: () => releases.shift()?.() };
}

/** Lets p-limit start whatever may start now (it starts queued work a few microtasks later). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('import jobs: a small number at once, the rest queued in order', () => {
  it(`runs ${IMPORT_CONCURRENCY} at a time and tells each queued import its position`, async () => {
    const jobs = new ImportJobs();
    const held = heldWork();
    const count = IMPORT_CONCURRENCY + 3;
    const all = Array.from({ length: count }, (_, user) => jobs.start(user + 1, 100, held.work)!);
    await settle();
    expect(held.started).toEqual(all.slice(0, IMPORT_CONCURRENCY));
    expect(all.map((j) => j.position())).toEqual([
      ...Array(IMPORT_CONCURRENCY).fill(0),
      ...Array.from({ length: 3 }, (_, i) => i + 1),
    ]);

    // One finishes: the first in line starts, the others move up.
    held.release();
    await all[0]!.result;
    await settle();
    expect(held.started).toEqual(all.slice(0, IMPORT_CONCURRENCY + 1));
    expect(all.slice(IMPORT_CONCURRENCY).map((j) => j.position())).toEqual([0, 1, 2]);
    // A user with an import queued or running cannot start another.
    expect(jobs.start(count, 100, held.work)).toBeNull();

    for (let i = 1; i < count; i++) {
      held.release();
      await settle();
    }
    expect((await Promise.all(all.map((j) => j.result))).map((r) => r.text)).toEqual(
      Array(count).fill('done'),
    );
    expect(all.every((j) => j.position() === 0)).toBe(true);
  });
});
