import type { BotCore, BotEvent, Reply } from '../bot/types.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import { DatabaseUnavailableError, isUserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type BotMetrics, labelValue } from './metrics.ts';
import { eventName, withRequestContext } from './request-context.ts';

export { isConnectionError };

/** Outcome label for one handled event. */
export type Outcome = 'ok' | 'user_error' | 'unavailable' | 'error';

/** Classifies a thrown error the way metrics and logs count it. */
export function outcomeOf(error: unknown): Outcome {
  if (isUserError(error)) return 'user_error';
  if (error instanceof DatabaseUnavailableError || isConnectionError(error)) return 'unavailable';
  return 'error';
}

/**
 * Wraps a core so every handled event runs in a request context (request id on every log line),
 * is timed and counted. The wrapper is transparent: replies and thrown errors pass through unchanged.
 * `outcomeOfReplies` lets the composition root tell apart replies the core produced after catching
 * an error (its apology / "try again"), which the core reports in `reply.data.outcome`.
 */
export function instrumentCore(core: BotCore, deps: { metrics: BotMetrics; logger: Logger }): BotCore {
  const { metrics, logger } = deps;
  return {
    get commands() {
      return core.commands;
    },
    handle(event: BotEvent) {
      return withRequestContext(logger, event, async (ctx) => {
        const labels = { command: labelValue(eventName(event)), platform: event.actor.platform };
        const stop = metrics.latency.startTimer(labels);
        try {
          const replies = await core.handle(event);
          const outcome = outcomeOfReplies(replies);
          metrics.requests.inc({ ...labels, outcome });
          if (outcome === 'error' || outcome === 'unavailable') {
            metrics.errors.inc({ ...labels, kind: outcome === 'error' ? 'internal' : 'database' });
          }
          ctx.logger.debug({ outcome, ms: Math.round(performance.now() - ctx.startedAt) }, 'event handled');
          return replies;
        } catch (error) {
          const outcome = outcomeOf(error);
          metrics.requests.inc({ ...labels, outcome });
          if (outcome !== 'user_error') {
            metrics.errors.inc({ ...labels, kind: outcome === 'error' ? 'internal' : 'database' });
          }
          ctx.logger.error({ err: error, outcome }, 'event failed');
          throw error;
        } finally {
          stop();
        }
      });
    },
    messagePosted: (reply, messageKey, channel) => core.messagePosted(reply, messageKey, channel),
    autocomplete: (query, actor) => core.autocomplete(query, actor),
    purgeTenant: (platform, tenant) => core.purgeTenant(platform, tenant),
  };
}

/** The core marks replies it made from a caught failure with `data.outcome`; anything else is ok. */
function outcomeOfReplies(replies: Reply[]): Outcome {
  for (const reply of replies) {
    const outcome = reply.data?.outcome;
    if (outcome === 'error' || outcome === 'unavailable' || outcome === 'user_error') return outcome;
  }
  return 'ok';
}
