/**
 * TMDB's documented ceiling is "somewhere in the 50 requests per second range" per IP, answered with 429
 * beyond it (developer.themoviedb.org/docs/rate-limiting); the old 40 per 10 s limit was lifted in 2019.
 * Bulk work stays well under it, so a 429 is an exception and not the pacing mechanism.
 */
export const TMDB_REQUESTS_PER_SECOND = 40;

export interface TokenBucket {
  /** Resolves when a request may go out (at once while tokens remain). */
  take(): Promise<void>;
}

export interface TokenBucketOptions {
  /** Tokens added per second (the sustained rate). */
  ratePerSecond: number;
  /** Tokens the bucket holds: the burst allowed after a quiet spell. */
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket: at most `burst` requests at once, then `ratePerSecond` on average. Waiters are served
 * in arrival order, each reserving its token before it sleeps, so concurrent callers never overshoot.
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? realSleep;
  const perMs = options.ratePerSecond / 1000;
  let tokens = options.burst;
  let last = now();
  return {
    async take() {
      const t = now();
      tokens = Math.min(options.burst, tokens + (t - last) * perMs);
      last = t;
      // Reserve the token now (possibly going negative); the debt is the wait.
      tokens -= 1;
      if (tokens >= 0) return;
      await sleep(-tokens / perMs);
    },
  };
}
