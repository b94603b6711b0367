import { sql } from 'drizzle-orm';
import { processedEvents, sessions } from '../schema.ts';
import type { Executor } from './executor.ts';
import { RATE_LIMIT_KIND, rateWindow } from './sessions.ts';

export interface RequestGate {
  /** Requests of the user in the current window, this one included. */
  count: number;
  /** True when this delivery was claimed now: false for a retry, and when over the limit. */
  claimed: boolean;
}

/**
 * {@link countRequest} and then, unless the count is over `limit`, {@link claimEvent}, in one statement
 * (one round trip and one commit instead of two). The same rows and the same outcomes: a delivery over
 * the limit is counted but not claimed, so the platform's retry is still handled later; concurrent
 * duplicates cannot both claim (`on conflict do nothing` on the delivery key).
 */
export async function countRequestAndClaim(
  db: Executor,
  userId: number,
  windowMs: number,
  now: Date,
  limit: number,
  eventKey: string,
  tenant: string,
): Promise<RequestGate> {
  const { id, expiresAt } = rateWindow(userId, windowMs, now);
  const result = (await db.execute(sql`
    with counted as (
      insert into ${sessions} (id, user_id, kind, data, expires_at)
      values (${id}, ${userId}, ${RATE_LIMIT_KIND}, '{"count": 1}'::jsonb, ${expiresAt.toISOString()}::timestamptz)
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
    count: number | string;
    claimed: number | string;
  }[];
  const row = rows[0];
  return { count: Number(row?.count ?? 1), claimed: Number(row?.claimed ?? 0) > 0 };
}
