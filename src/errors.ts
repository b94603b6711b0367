/**
 * An error caused by what a user asked for, not by a bug: its message is safe and friendly enough to
 * show as-is, and it is never logged as a failure.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    /** Stable identifier, e.g. `unknown-title`, for tests and metrics. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The database could not be reached; callers tell the user to try again shortly. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
