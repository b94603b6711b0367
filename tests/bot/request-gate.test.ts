import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent, getOrCreateUser, type RateBucket, takeRequestToken } from '../../src/db/store/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';

const T0 = 1_700_000_040_000; // 20 s before a minute boundary (1_700_000_060_000 is a multiple of 60 s)
const MINUTE = 60_000;

describe.each(DB_KINDS)('per-user token bucket on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('lets a burst of `limit` through at once, then one more per window/limit', async () => {
    const u = await getOrCreateUser(t.db, 'console:burst');
    const bucket: RateBucket = { name: 'request', limit: 4, windowMs: MINUTE };
    const take = (ms: number) => takeRequestToken(t.db, { id: u.id }, bucket, new Date(T0 + ms));
    // Concurrent requests queue on the bucket's row: exactly `limit` pass, whatever the interleaving.
    const burst = await Promise.all(Array.from({ length: 7 }, () => take(0)));
    expect(burst.filter((g) => g?.allowed)).toHaveLength(4);
    // Refused requests take nothing: the next token is 15 s (60 s / 4) after the burst.
    expect(burst.find((g) => !g?.allowed)?.retryAfterMs).toBe(15_000);
    expect((await take(14_000))?.allowed).toBe(false);
    expect(await take(15_000)).toEqual({ allowed: true, claimed: false, retryAfterMs: 0 });
    expect((await take(15_001))?.allowed).toBe(false);
    // Another bucket of the same user is separate.
    const other = await takeRequestToken(t.db, { id: u.id }, { ...bucket, name: 'reaction' }, new Date(T0));
    expect(other?.allowed).toBe(true);
  });

  it('lets no more than limit + the refill through across a minute boundary', async () => {
    // The fixed window let 2 × limit pass here: `limit` at 59.9 s, `limit` more at 60.1 s.
    const u = await getOrCreateUser(t.db, 'console:boundary');
    const limit = 30;
    const bucket: RateBucket = { name: 'request', limit, windowMs: MINUTE };
    const boundary = T0 + 20_000;
    let passed = 0;
    for (let k = 0; k < 2 * limit; k++) {
      const at = boundary - 3_500 + k * 100; // 60 requests over 5.9 s, straddling the boundary
      if ((await takeRequestToken(t.db, { id: u.id }, bucket, new Date(at)))?.allowed) passed++;
    }
    // The 30 tokens the bucket holds, plus 5.9 s × 30/60 s = 2.95 refilled: 2 more whole tokens.
    expect(passed).toBe(limit + 2);
  });

  it('never lets more than limit + d·limit/window through in any interval d (random schedules)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 4_000 }), { minLength: 1, maxLength: 30 }),
        async (limit, gaps) => {
          const u = await getOrCreateUser(t.db, `console:prop${run++}`);
          const bucket: RateBucket = { name: 'request', limit, windowMs: 10_000 };
          const allowedAt: number[] = [];
          let at = T0;
          for (const gap of gaps) {
            at += gap;
            if ((await takeRequestToken(t.db, { id: u.id }, bucket, new Date(at)))?.allowed)
              allowedAt.push(at);
          }
          for (let i = 0; i < allowedAt.length; i++) {
            for (let j = i; j < allowedAt.length; j++) {
              const d = allowedAt[j]! - allowedAt[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(limit + (d * limit) / bucket.windowMs + 1e-9);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('takes a token and claims the delivery in one statement: claimed once, never when refused', async () => {
    const u = await getOrCreateUser(t.db, 'console:gate');
    const bucket: RateBucket = { name: 'request', limit: 3, windowMs: MINUTE };
    const now = new Date(T0);
    const gate = (key: string, b = bucket) =>
      takeRequestToken(t.db, { id: u.id }, b, now, {
        eventKey: `console:gate|${key}`,
        tenant: 'console:local',
      });
    const first = await Promise.all(Array.from({ length: 3 }, () => gate('d1')));
    expect(first.every((g) => g?.allowed)).toBe(true);
    expect(first.filter((g) => g?.claimed)).toHaveLength(1);
    // Refused: not claimed, so the platform's retry of d2 can still be handled once allowed.
    expect(await gate('d2')).toEqual({ allowed: false, claimed: false, retryAfterMs: 20_000 });
    expect(await claimEvent(t.db, 'console:gate|d2', 'console:local')).toBe(true);
    // By external id (the user's row need not be read first), a minute later: the bucket is full again.
    const later = new Date(T0 + MINUTE);
    const byKey = { externalId: 'console:gate' };
    expect(
      await takeRequestToken(t.db, byKey, bucket, later, {
        eventKey: 'console:gate|d3',
        tenant: 'console:local',
      }),
    ).toEqual({ allowed: true, claimed: true, retryAfterMs: 0 });
    // No such user: nothing taken, nothing claimed.
    const nobody = { externalId: 'console:nobody' };
    expect(
      await takeRequestToken(t.db, nobody, bucket, later, { eventKey: 'console:nobody|d1', tenant: 'x' }),
    ).toBeNull();
    expect(await claimEvent(t.db, 'console:nobody|d1', 'x')).toBe(true);
  });

  it('a clock that moves backwards (another process) mints no tokens', async () => {
    const u = await getOrCreateUser(t.db, 'console:skew');
    const bucket: RateBucket = { name: 'request', limit: 2, windowMs: MINUTE };
    const take = (ms: number) => takeRequestToken(t.db, { id: u.id }, bucket, new Date(T0 + ms));
    expect((await take(10_000))?.allowed).toBe(true); // a process whose clock runs 10 s ahead
    expect((await take(0))?.allowed).toBe(true);
    expect((await take(0))?.allowed).toBe(false);
    // Back on the fast clock: no refill from the slow one's earlier time.
    expect((await take(10_000))?.allowed).toBe(false);
  });
});
