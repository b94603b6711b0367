import { sql } from 'drizzle-orm';
import { processedEvents, sessions, users } from '../schema.ts';
import type { Executor } from './executor.ts';
import { RATE_LIMIT_KIND, rateWindow } from './sessions.ts';

export interface RequestGate {
  /** Requests of the user in the current window, this one included. */
  count: number;
  /** True when this delivery was claimed now: false for a retry, and when over the limit. */
  claimed: boolean;
}

/** The user, by database id or by external id (so the gate need not wait for the user's row). */
export type GateUser = { id: number } | { externalId: string };

/**
 * {@link countRequest} and then, unless the count is over `limit`, {@link claimEvent}, in one statement
 * (one round trip and one commit instead of two). The same rows and the same outcomes: a delivery over
 * the limit is counted but not claimed, so the platform's retry is still handled later; concurrent
 * duplicates cannot both claim (`on conflict do nothing` on the delivery key). Null when there is no
 * such user (then nothing is written).
 */
export async function countRequestAndClaim(
  db: Executor,
  user: GateUser,
  windowMs: number,
  now: Date,
  limit: number,
  eventKey: string,
  tenant: string,
): Promise<RequestGate | null> {
  // The counter row is rateWindow's `rate:<user id>:<window>`, its id built in SQL from the user's id.
  const { expiresAt } = rateWindow(0, windowMs, now);
  const window = String(Math.floor(now.getTime() / windowMs));
  const who = 'id' in user ? sql`${users.id} = ${user.id}` : sql`${users.externalId} = ${user.externalId}`;
  const result = (await db.execute(sql`
    with u as (
      select ${users.id} as id from ${users} where ${who}
    ), counted as (
      insert into ${sessions} (id, user_id, kind, data, expires_at)
      select 'rate:' || u.id::text || ':' || ${window}::text, u.id, ${RATE_LIMIT_KIND}, '{"count": 1}'::jsonb,
        ${expiresAt.toISOString()}::timestamptz
      from u
      on conflict (id) do update
        set data = jsonb_build_object('count', (${sessions.data}->>'count')::int + 1)
      returning (data->>'count')::int as count
    ), claimed as (
      insert into ${processedEvents} (event_key, tenant)
      select ${eventKey}, ${tenant} from counted where counted.count <= ${limit}::int
      on conflict do nothing
      returning event_key
    )
    select (select count from counted) as count, (select count(*) from claimed)::int as claimed
  `)) as unknown;
  // postgres.js answers with the row array, PGlite with `{ rows }`.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    count: number | string | null;
    claimed: number | string;
  }[];
  const row = rows[0];
  if (row?.count === null || row?.count === undefined) return null;
  return { count: Number(row.count), claimed: Number(row.claimed) > 0 };
}
