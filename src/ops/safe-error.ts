/**
 * A pino serializer for `err` fields that is safe to ship: database errors keep what an operator needs
 * to act (SQLSTATE code, severity, constraint, table, routine, the class of each cause) and never the
 * parameters or any message that quotes them.
 *
 * Why: drizzle's `DrizzleQueryError` message is `Failed query: <sql>\nparams: <values>`, and it carries
 * `params` as an enumerable field, so pino's standard serializer wrote the free text of `/recommend`,
 * display names and user keys into warn/error lines (issue 16, item 3). A server error's `detail`
 * quotes the offending values too (`Key (external_id)=(discord:…) already exists.`), and its `where`
 * and `internal_query` can hold them, so those are dropped as well.
 */

/** A serialized error: only fields known to hold no user data. */
export interface SafeError {
  type: string;
  message?: string;
  code?: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  routine?: string;
  /** Stack frames only (the first stack line repeats the message, which may quote parameters). */
  stack?: string;
  cause?: SafeError;
}

/** How deep a chain of causes is followed (a cycle or a very long chain stops here). */
const MAX_CAUSE_DEPTH = 5;

/**
 * Serializes any thrown value for a log line. A database error (drizzle's wrapper, a postgres.js or
 * PGlite server error) loses its message; other errors keep theirs unless it looks like a failed-query
 * message. Causes are serialized the same way.
 */
export function serializeError(value: unknown, depth = 0): SafeError | unknown {
  if (value === null || typeof value !== 'object') {
    // A thrown string may be anything, user text included: keep only its kind.
    return value === undefined || value === null ? value : { type: typeof value };
  }
  const e = value as Record<string, unknown> & { name?: unknown; constructor?: { name?: string } };
  const type = typeof e.name === 'string' && e.name !== 'Error' ? e.name : (e.constructor?.name ?? 'Error');
  const out: SafeError = { type };
  const database = isDatabaseError(e);
  const message = typeof e.message === 'string' ? e.message : undefined;
  if (message !== undefined && !database && !quotesParameters(message)) out.message = message;
  const code = e.code;
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
  copyString(e, out, 'severity', 'severity');
  copyString(e, out, 'constraint', 'constraint_name', 'constraint');
  copyString(e, out, 'table', 'table_name', 'table');
  copyString(e, out, 'column', 'column_name', 'column');
  copyString(e, out, 'schema', 'schema_name', 'schema');
  copyString(e, out, 'routine', 'routine');
  if (typeof e.stack === 'string') {
    const frames = e.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .join('\n');
    if (frames) out.stack = frames;
  }
  if (e.cause !== undefined && depth < MAX_CAUSE_DEPTH)
    out.cause = serializeError(e.cause, depth + 1) as SafeError;
  return out;
}

/**
 * drizzle's query wrapper, postgres.js' `PostgresError` and PGlite's `DatabaseError` (both carry a
 * server `severity`), or anything else carrying the query's parameters.
 */
function isDatabaseError(e: Record<string, unknown>): boolean {
  return (
    e.name === 'DrizzleQueryError' ||
    e.name === 'PostgresError' ||
    typeof e.severity === 'string' ||
    'params' in e ||
    'parameters' in e
  );
}

/** drizzle's "Failed query: … params: …" shape, wherever it ends up (a re-thrown message, say). */
function quotesParameters(message: string): boolean {
  return /Failed query:|\bparams:/i.test(message);
}

function copyString(from: Record<string, unknown>, to: SafeError, key: keyof SafeError, ...names: string[]) {
  for (const name of names) {
    const v = from[name];
    if (typeof v === 'string' && v !== '') {
      (to as unknown as Record<string, unknown>)[key] = v;
      return;
    }
  }
}
