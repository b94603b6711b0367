import { describe, expect, it } from 'vitest';
import { ArrayPool } from '../../src/recommend/array-pool.ts';

describe('ArrayPool', () => {
  it('hands back a given array zeroed, and a new one when none is idle', () => {
    const pool = new ArrayPool(4);
    const a = pool.take();
    a.set([1, 2, 3, 4]);
    pool.give([a]);
    const b = pool.take();
    expect(b).toBe(a);
    expect([...b]).toEqual([0, 0, 0, 0]);
    const c = pool.take();
    expect(c).not.toBe(a);
    expect(c.length).toBe(4);
  });

  it('holds at most `keep` idle arrays, each once, and none of another length', () => {
    const pool = new ArrayPool(3, 2);
    const a = pool.take();
    pool.give([a, a, new Float64Array(5)]);
    expect(pool.idle).toBe(1);
    pool.give([pool.take(), pool.take(), pool.take()]);
    expect(pool.idle).toBe(2);
    expect(pool.take()).not.toBe(pool.take());
  });
});
