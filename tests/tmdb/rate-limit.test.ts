import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createTmdbFetch } from '../../src/tmdb/http.ts';
import { createTokenBucket } from '../../src/tmdb/rate-limit.ts';

/** A clock that only moves when someone sleeps. */
function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

describe('token bucket', () => {
  it('lets a burst through at once, then paces to the rate', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 40, burst: 40, ...clock });
    const times: number[] = [];
    for (let i = 0; i < 120; i++) {
      await bucket.take();
      times.push(clock.now());
    }
    expect(times.slice(0, 40).every((t) => t === 0)).toBe(true);
    // 80 more at 40/s take 2 s.
    expect(times[119]).toBeCloseTo(2000, 6);
  });

  it('makes callers that arrive together wait in turn, each for its own slot', async () => {
    const waits: number[] = [];
    const bucket = createTokenBucket({
      ratePerSecond: 40,
      burst: 40,
      now: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await Promise.all(Array.from({ length: 60 }, () => bucket.take()));
    // 40 go at once; the other 20 are spaced 25 ms apart: 25, 50, … 500 ms.
    expect(waits).toHaveLength(20);
    for (const [i, w] of waits.entries()) expect(w).toBeCloseTo(25 * (i + 1), 6);
  });

  it('paces every request createTmdbFetch sends, retries included', async () => {
    let taken = 0;
    let calls = 0;
    const tmdbFetch = createTmdbFetch({
      auth: { apiKey: 'k', readToken: undefined },
      logger: pino({ level: 'silent' }),
      sleep: async () => {},
      bucket: {
        take: async () => {
          taken++;
        },
      },
      // The first answer is a 429 (retried), then 200s.
      fetch: async () =>
        ++calls === 1
          ? new Response('{}', { status: 429, headers: { 'Retry-After': '0' } })
          : new Response('{}', { status: 200 }),
    });
    await tmdbFetch('https://api.themoviedb.org/3/movie/1');
    await tmdbFetch('https://api.themoviedb.org/3/movie/2');
    expect(calls).toBe(3);
    expect(taken).toBe(3);
  });

  it('never lets more than burst + rate × window through in any window (every seed)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 150 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        async (gaps, rate, burst) => {
          const clock = fakeClock();
          const bucket = createTokenBucket({ ratePerSecond: rate, burst, ...clock });
          const times: number[] = [];
          for (const gap of gaps) {
            await clock.sleep(gap);
            await bucket.take();
            times.push(clock.now());
          }
          for (let i = 0; i < times.length; i++) {
            for (let j = i; j < times.length; j++) {
              const window = times[j]! - times[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(burst + (rate * window) / 1000 + 1e-6);
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
