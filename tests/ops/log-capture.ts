import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type Logger, loggerOptions } from '../../src/logger.ts';

/** A pino logger (same redaction and error serializer as production) writing JSON lines into memory, for assertions. */
export function captureLogger(level = 'debug'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino(loggerOptions(level), stream);
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
