import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { releaseMemory } from '../../src/recommend/release-memory.ts';

describe('releaseMemory', () => {
  it('collects unreachable objects at once (a full collection, not a no-op)', async () => {
    let garbage: object | undefined = { rows: Array.from({ length: 1000 }, (_, i) => ({ i })) };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    // A WeakRef's target is kept until the job that created (or last dereferenced) it ends.
    await tick();
    releaseMemory();
    expect(ref.deref()).toBeUndefined();
  });

  it('keeps what is still reachable', async () => {
    const kept = { rows: [1, 2, 3] };
    const ref = new WeakRef(kept);
    await tick();
    releaseMemory();
    releaseMemory();
    expect(ref.deref()).toBe(kept);
  });
});
