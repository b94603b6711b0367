import { pino } from 'pino';
import { serializeError } from './ops/safe-error.ts';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'signingSecret',
  '*.signingSecret',
  'appToken',
  '*.appToken',
  'apiKey',
  '*.apiKey',
  'readToken',
  '*.readToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'databaseUrl',
  '*.databaseUrl',
  // Two levels deep too, so logging a whole config (`{ config }`) redacts `config.discord.token` etc.
  '*.*.token',
  '*.*.botToken',
  '*.*.signingSecret',
  '*.*.appToken',
  '*.*.apiKey',
  '*.*.readToken',
  '*.*.authorization',
  // Who asked: the core's failure lines describe the event (`event.user` is the user key).
  'event.user',
  'userKey',
  '*.userKey',
  'displayName',
  '*.displayName',
];

export type Logger = pino.Logger;

/**
 * The options every movierec logger is built with (tests' capturing loggers too): secrets and user
 * keys redacted, and `err` / `error` fields through {@link serializeError}, so a failed query's
 * parameters (user text, names, ids) never reach a log line.
 */
export function loggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
}

/** Structured JSON logs on stderr, so stdout stays clean for command output (`ask --json`). */
export function createLogger(level: string = 'info'): Logger {
  return pino(loggerOptions(level), pino.destination(2));
}
