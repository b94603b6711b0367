import { DatabaseUnavailableError } from '../errors.ts';

/** Where the breaker stands: `open` refuses at once, `half-open` is letting one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** How long requests fail fast after a connection error before a probe may try again. */
  cooldownMs: number;
  /** A cheap round trip (`select 1`) that tells whether the database answers again. */
  probe: () => Promise<void>;
  /** A probe that has not answered within this counts as failed. */
  probeTimeoutMs: number;
  now?: () => number;
}

export interface CircuitBreaker {
  /**
   * Resolves when a query may go to the database; rejects with {@link DatabaseUnavailableError} while
   * the breaker is open. After the cool-down the first caller runs the probe (and goes ahead when it
   * answers); everyone else keeps failing fast until it has.
   */
  admit(): Promise<void>;
  /**
   * A query started at `startedAt` (this breaker's clock) failed because the connection did: open (or
   * re-open) the breaker, unless the query predates the last recovery (a straggler from the outage).
   */
  tripped(startedAt: number): void;
  /** This breaker's clock, for {@link CircuitBreaker.tripped}. */
  now(): number;
  state(): BreakerState;
}

/** What every fast failure says (shown in logs; the user sees the core's "try again" reply). */
export const BREAKER_OPEN_MESSAGE = 'the database is not answering (failing fast after a connection error)';

/**
 * A circuit breaker for the database pool. Without it, when the server goes away postgres.js queues
 * every query beyond the pool and rejects one per failed connection attempt, so under 100 users most
 * requests waited tens of seconds for an answer (issue 16). After a connection error, queries fail at
 * once for `cooldownMs`; then one probe decides: an answer closes the breaker (the bot recovers by
 * itself), a failure starts another cool-down.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let state: BreakerState = 'closed';
  let openUntil = 0;
  let probing: Promise<boolean> | undefined;
  let closedAt = Number.NEGATIVE_INFINITY;

  const open = () => {
    state = 'open';
    openUntil = now() + options.cooldownMs;
  };

  const runProbe = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        options.probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('probe timed out')), options.probeTimeoutMs);
        }),
      ]);
      state = 'closed';
      closedAt = now();
      return true;
    } catch {
      open();
      return false;
    } finally {
      clearTimeout(timer);
      probing = undefined;
    }
  };

  return {
    async admit() {
      if (state === 'closed') return;
      if (state === 'open' && now() < openUntil) throw new DatabaseUnavailableError(BREAKER_OPEN_MESSAGE);
      if (probing) throw new DatabaseUnavailableError(BREAKER_OPEN_MESSAGE);
      state = 'half-open';
      probing = runProbe();
      if (!(await probing)) throw new DatabaseUnavailableError(BREAKER_OPEN_MESSAGE);
    },
    tripped(startedAt) {
      // A late failure of a query sent before the last recovery says nothing new about the server,
      // and neither does one arriving while the probe is out.
      if (state === 'half-open' || startedAt < closedAt) return;
      open();
    },
    now,
    state: () => state,
  };
}
