import { DatabaseUnavailableError } from '../errors.ts';

/**
 * postgres.js / Node socket errors that mean "the database is not reachable right now", and the
 * {@link DatabaseUnavailableError} the circuit breaker fails fast with.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  return (
    typeof code === 'string' &&
    (code === 'ECONNREFUSED' ||
      code === 'ETIMEDOUT' ||
      code === 'EPIPE' ||
      code === '53300' || // too_many_connections
      code === '57P02' || // crash_shutdown
      // The database is closed to connections (maintenance, `allow_connections false`).
      (code === '55000' && message.includes('not currently accepting connections')) ||
      code === 'ECONNRESET' ||
      code === 'CONNECTION_CLOSED' ||
      code === 'CONNECTION_ENDED' ||
      code === 'CONNECTION_DESTROYED' ||
      code === 'CONNECT_TIMEOUT' ||
      code === '57P01' || // admin_shutdown: pg_terminate_backend
      code === '57P03' || // cannot_connect_now: server starting up
      code.startsWith('08')) // connection_exception class
  );
}
