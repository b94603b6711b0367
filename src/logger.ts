import { pino } from 'pino';

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
];

export type Logger = pino.Logger;

/** Structured JSON logs on stderr, so stdout stays clean for command output (`ask --json`). */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, pino.destination(2));
}
