import type postgres from 'postgres';
import type { CircuitBreaker } from './breaker.ts';
import { isConnectionError } from './connection-errors.ts';

/** What the pool is doing now, for `/healthz` and metrics. */
export interface PoolStats {
  /** Pool size (postgres.js `max`). */
  max: number;
  /** Statements and transactions sent and not yet settled. */
  inFlight: number;
  /** Of those, how many cannot have a connection yet (queued inside postgres.js). */
  waiting: number;
}

export interface GuardedClient {
  /** Use in place of the client: same API, every query admitted by the breaker first. */
  sql: postgres.Sql;
  stats(): PoolStats;
}

// biome-ignore lint/suspicious/noExplicitAny: postgres.js' PendingQuery has generic then/catch signatures.
type Thenable = { then: (...args: any[]) => any; catch?: any; finally?: any };

/**
 * Puts the circuit breaker in front of a postgres.js client: `sql\`…\``, `sql.unsafe` (what drizzle
 * sends) and `sql.begin(…)` wait for {@link CircuitBreaker.admit}, and a connection error from any of
 * them trips the breaker. Statements inside a transaction use the transaction's own connection and are
 * not gated: once a transaction started it finishes or rolls back as a whole.
 */
export function guardClient(client: postgres.Sql, breaker: CircuitBreaker, max: number): GuardedClient {
  let inFlight = 0;

  /** Runs `start` once the breaker admits it; counts it in flight and reports connection errors. */
  function guarded<T>(start: () => PromiseLike<T>): Promise<T> {
    return breaker.admit().then(() => {
      const startedAt = breaker.now();
      inFlight++;
      return Promise.resolve(start()).then(
        (value) => {
          inFlight--;
          return value;
        },
        (error: unknown) => {
          inFlight--;
          if (isConnectionError(error)) breaker.tripped(startedAt);
          throw error;
        },
      );
    });
  }

  /**
   * postgres.js queries are lazy promises with chainable modifiers (`.values()`, `.raw()`) that must be
   * set before the query runs. The query object is returned as is, with its `then` admitted by the
   * breaker first, so the modifiers still work and the query is sent only when awaited.
   */
  function gateQuery<Q extends Thenable>(query: Q): Q {
    const then = query.then.bind(query);
    let result: Promise<unknown> | undefined;
    // biome-ignore lint/suspicious/noThenProperty: the query stays a promise; only its start is gated.
    query.then = ((onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) => {
      result ??= guarded(() => new Promise<unknown>((resolve, reject) => then(resolve, reject)));
      return result.then(onFulfilled, onRejected);
    }) as Q['then'];
    // postgres.js' own catch/finally start the query before calling then: route them through the gate.
    query.catch = (onRejected?: (e: unknown) => unknown) => query.then(undefined, onRejected);
    query.finally = (onFinally?: () => void) =>
      (query.then(undefined, undefined) as Promise<unknown>).finally(onFinally);
    return query;
  }

  const sql = new Proxy(client, {
    apply(target, thisArg, args: unknown[]) {
      const out = Reflect.apply(target, thisArg, args);
      // Only a tagged template is a query; `sql('name')` and `sql(rows)` build identifiers and lists.
      const strings = args[0] as { raw?: unknown } | undefined;
      return Array.isArray(strings?.raw) ? gateQuery(out as Thenable) : out;
    },
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        // Whatever drizzle passes (its statement text and parameters) is handed on untouched.
        const unsafe = target.unsafe;
        return (...args: Parameters<postgres.Sql['unsafe']>) =>
          gateQuery(Reflect.apply(unsafe, target, args) as ReturnType<postgres.Sql['unsafe']>);
      }
      if (prop === 'begin') {
        return (...args: unknown[]) =>
          guarded(() => (target.begin as (...a: unknown[]) => Promise<unknown>)(...args));
      }
      return Reflect.get(target, prop, receiver);
    },
  });

  return {
    sql,
    stats: () => ({ max, inFlight, waiting: Math.max(0, inFlight - max) }),
  };
}
