import type postgres from 'postgres';

/**
 * The circuit breaker's probe, and the health ping, on Postgres.
 *
 * Why more than one `select 1`: a connection the server drops in the middle of a query (`pg_ctl stop`,
 * a crash, `pg_terminate_backend`) gets a FATAL 57P01 and is closed; postgres.js 3.4.9 rejects the
 * query with CONNECTION_CLOSED but keeps the 57P01 on the connection and rejects the connection's
 * first query after it reconnected with it (the same replay porsager/postgres#1223 reports for
 * connections killed while starting up; the code is unchanged on its master). After an outage under
 * load that was every pooled connection: one user request per connection failed after the database
 * was back, and each failure re-opened the breaker for another cool-down (issue 16: normal answers
 * resumed 5–13 s after the restart). The replay happens once per connection, so the probe takes it:
 * it runs one query on every pooled connection before the breaker lets traffic through.
 */

/** Statements as a postgres.js client runs them (the tagged template). */
export type SelectOne = (strings: TemplateStringsArray, ...values: never[]) => PromiseLike<unknown>;

/**
 * `select 1` on a client, tried a second time when the first answer is an error from a server (a
 * dropped connection's leftover, see above; the second attempt runs on the reconnected connection).
 * A socket-level failure (refused, timed out) is not retried: the server is not there.
 */
export async function selectOne(client: SelectOne): Promise<void> {
  try {
    await client`select 1`;
  } catch (error) {
    if (typeof (error as { severity?: unknown } | null)?.severity !== 'string') throw error;
    await client`select 1`;
  }
}

/**
 * One `select 1` per pooled connection, sent all at once, so that each connection takes its leftover
 * error (if it has one) on this query and not on a user's request. postgres.js hands concurrent
 * queries to idle and closed connections before it queues any behind a busy one, and while the
 * breaker is half-open no other request reaches the pool, so `max` of them reach every connection.
 * Resolves once postgres.js has handed them out (a query is dispatched a microtask after it is
 * awaited): from then on each connection runs its flush query before anything sent later, so the
 * breaker can close at once instead of waiting for every connection to come up. `done` settles when
 * they have all answered; their failures (the leftovers being consumed) are expected and ignored.
 */
export async function flushPool(client: SelectOne, max: number): Promise<{ done: Promise<unknown> }> {
  const done = Promise.allSettled(Array.from({ length: max }, () => client`select 1`));
  await new Promise((resolve) => setImmediate(resolve));
  return { done };
}

export interface DatabaseProbeOptions {
  /** The health ping's own one-connection client: answers even when the pool is saturated. */
  pinger: SelectOne;
  /** The pools behind the breaker (their raw clients) and their sizes: the request pool, the background pool. */
  pools: { client: SelectOne; max: number }[];
}

/**
 * The breaker's probe: the server answers on the pinger's connection (else the probe fails and the
 * breaker stays open), then every connection of the pools behind the breaker is flushed of a dropped
 * connection's leftover error.
 */
export function databaseProbe(options: DatabaseProbeOptions): () => Promise<void> {
  return async () => {
    await selectOne(options.pinger);
    await Promise.all(options.pools.map((p) => flushPool(p.client, p.max)));
  };
}

/** For the type of a postgres.js client as {@link SelectOne}. */
export const asSelectOne = (client: postgres.Sql): SelectOne => client as unknown as SelectOne;
