import { sql } from 'drizzle-orm';
import { processedEvents, sessions, users } from '../schema.ts';
import type { Executor } from './executor.ts';

/** `sessions.kind` of the per-user token-bucket rows (`rate:<user id>:<bucket>`). */
export const RATE_LIMIT_KIND = 'rate-limit';

/**
 * One per-user limit: `limit` requests per `windowMs` on average, in bursts of at most `limit`. Each
 * named bucket is a row of its own, so commands and reactions (say) can be limited separately.
 */
export interface RateBucket {
  /** Short name, part of the row id (`request`, `reaction`, …). */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RequestGate {
  /** The request may go ahead (a token was taken). */
  allowed: boolean;
  /** True when this delivery was claimed now: false for a retry, and when not allowed. */
  claimed: boolean;
  /** When not allowed: how long until a token is back. 0 when allowed. */
  retryAfterMs: number;
}

/** The user, by database id or by external id (so the gate need not wait for the user's row). */
export type GateUser = { id: number } | { externalId: string };

/**
 * Takes one token from the user's bucket and, when one was there, claims the delivery `claim` (if
 * given), in one statement: one round trip, one commit.
 *
 * A token bucket, not a fixed window: the bucket holds at most `limit` tokens and refills continuously
 * at `limit / windowMs`, so in any interval of length d at most `limit + d · limit / windowMs` requests
 * pass. A fixed window let 2 × limit through within moments across a window boundary. The state (tokens
 * and the time they were counted) is one row updated by `insert … on conflict do update`, which locks
 * the row: concurrent requests, from any number of processes, queue on it and each sees the tokens its
 * predecessor left. A refused request takes nothing (retrying later works) and claims nothing, so the
 * platform's retry of that delivery is still handled once allowed; concurrent duplicates cannot both
 * claim (`on conflict do nothing` on the delivery key). The time never moves backwards in the row, so
 * two processes whose clocks disagree cannot mint tokens. Null when there is no such user (then
 * nothing is written).
 */
export async function takeRequestToken(
  db: Executor,
  user: GateUser,
  bucket: RateBucket,
  now: Date,
  claim?: { eventKey: string; tenant: string },
): Promise<RequestGate | null> {
  const cap = bucket.limit;
  const perMs = bucket.limit / bucket.windowMs;
  const at = now.getTime();
  // A row untouched for a whole window is full again: it can be pruned as expired.
  const fullAt = new Date(at + bucket.windowMs).toISOString();
  const who = 'id' in user ? sql`${users.id} = ${user.id}` : sql`${users.externalId} = ${user.externalId}`;
  // The stored row (the conflicting one) is `sessions.data` inside `do update`.
  const storedAt = sql`coalesce((${sessions.data}->>'at')::float8, 0)`;
  const tokensNow = sql`least(${cap}::float8, coalesce((${sessions.data}->>'tokens')::float8, ${cap}::float8)
      + greatest(0, ${at}::float8 - ${storedAt}) * ${perMs}::float8)`;
  const result = (await db.execute(sql`
    with u as (
      select ${users.id} as id from ${users} where ${who}
    ), taken as (
      insert into ${sessions} (id, user_id, kind, data, expires_at)
      select 'rate:' || u.id::text || ':' || ${bucket.name}::text, u.id, ${RATE_LIMIT_KIND},
        jsonb_build_object('tokens', ${cap}::float8 - 1, 'at', ${at}::float8, 'ok', true),
        ${fullAt}::timestamptz
      from u
      on conflict (id) do update set
        data = (
          select jsonb_build_object(
            'tokens', case when r.tokens >= 1 then r.tokens - 1 else r.tokens end,
            'at', greatest(r.at, ${at}::float8),
            'ok', r.tokens >= 1)
          from (
            select ${tokensNow} as tokens, ${storedAt} as at
          ) r
        ),
        expires_at = excluded.expires_at
      returning (data->>'ok')::boolean as ok, (data->>'tokens')::float8 as tokens
    ), claimed as (
      insert into ${processedEvents} (event_key, tenant)
      select ${claim?.eventKey ?? null}::text, ${claim?.tenant ?? null}::text
      from taken where taken.ok and ${claim?.eventKey ?? null}::text is not null
      on conflict do nothing
      returning event_key
    )
    select (select ok from taken) as ok, (select tokens from taken) as tokens,
      (select count(*) from claimed)::int as claimed
  `)) as unknown;
  // postgres.js answers with the row array, PGlite with `{ rows }`.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    ok: boolean | null;
    tokens: number | string | null;
    claimed: number | string;
  }[];
  const row = rows[0];
  if (row?.ok === null || row?.ok === undefined) return null;
  const tokens = Number(row.tokens);
  return {
    allowed: row.ok,
    claimed: Number(row.claimed) > 0,
    retryAfterMs: row.ok ? 0 : Math.ceil((1 - tokens) / perMs),
  };
}
