import type { Logger } from '../logger.ts';
import { currentLogger } from '../ops/request-context.ts';
import type { BotCore, BotEvent, Reply } from './types.ts';

/** What a user sees when their request did not finish in time (almost always a database problem). */
export const DEADLINE_REPLY_TEXT = 'The database is not answering right now; try again in a minute.';

export interface DeadlineOptions {
  /** Every event is answered within this many milliseconds. */
  deadlineMs: number;
  logger: Logger;
  /** Timers (tests use fake ones). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Wraps a core so every event gets an answer within `deadlineMs`: when the core has not answered by
 * then, the user gets {@link DEADLINE_REPLY_TEXT} (ephemeral, `data.outcome: 'unavailable'`, like the
 * core's own "database unavailable" reply) and the core's late answer is dropped.
 *
 * The core's work is not cut short, so it never stops half-way through something the core itself
 * would finish: each write is one statement or one transaction, which commits or rolls back as a
 * whole. A rating that commits after the deadline is stored but was never acknowledged (the user was
 * told to try again, and rating again stores the same value once); a rating that was acknowledged
 * was stored before the reply was made. The database layer's statement timeout and circuit breaker
 * bound how long such late work can hold a connection.
 */
export function withDeadline(core: BotCore, options: DeadlineOptions): BotCore {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  return {
    get commands() {
      return core.commands;
    },
    handle(event: BotEvent): Promise<Reply[]> {
      const work = core.handle(event);
      return new Promise<Reply[]>((resolve, reject) => {
        let settled = false;
        const timer = setTimer(() => {
          if (settled) return;
          settled = true;
          // No event text or user: only what the request context already carries.
          currentLogger(options.logger).warn(
            { deadlineMs: options.deadlineMs, type: event.type },
            'request deadline passed: answered "try again"',
          );
          resolve(deadlineReplies());
        }, options.deadlineMs);
        work.then(
          (replies) => {
            if (settled) return;
            settled = true;
            clearTimer(timer);
            resolve(replies);
          },
          (error: unknown) => {
            if (settled) return;
            settled = true;
            clearTimer(timer);
            reject(error);
          },
        );
      });
    },
    messagePosted: (reply, messageKey, channel) => core.messagePosted(reply, messageKey, channel),
    autocomplete: (query, actor) => core.autocomplete(query, actor),
    purgeTenant: (platform, tenant) => core.purgeTenant(platform, tenant),
  };
}

function deadlineReplies(): Reply[] {
  return [
    { text: DEADLINE_REPLY_TEXT, ephemeral: true, data: { outcome: 'unavailable', error: 'deadline' } },
  ];
}
