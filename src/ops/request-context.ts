import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { BotEvent } from '../bot/types.ts';
import type { Logger } from '../logger.ts';

/** What every log line written while handling one event carries. */
export interface RequestContext {
  /** Short random id, unique per handled event, also returned to callers for correlation. */
  requestId: string;
  logger: Logger;
  startedAt: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The command name, or `action` / `reaction`, used in logs and metric labels. */
export function eventName(event: BotEvent): string {
  return event.type === 'command' ? event.command : event.type;
}

/** A request id: 12 hex characters are plenty to tell apart the events of a day in the logs. */
export function newRequestId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

/**
 * Runs `fn` with a request context: a fresh request id and a pino child logger bound to it and to the
 * event's platform, tenant, command and delivery id. Code deeper down reads it with
 * {@link currentLogger} instead of threading a logger through every call. Never logs the event text.
 */
export function withRequestContext<T>(
  logger: Logger,
  event: BotEvent,
  fn: (ctx: RequestContext) => Promise<T>,
): Promise<T> {
  const requestId = newRequestId();
  const ctx: RequestContext = {
    requestId,
    startedAt: performance.now(),
    logger: logger.child({
      reqId: requestId,
      platform: event.actor.platform,
      tenant: event.actor.tenant,
      event: eventName(event),
      eventId: event.id,
    }),
  };
  return storage.run(ctx, () => fn(ctx));
}

/** The context of the event being handled, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The request's child logger inside {@link withRequestContext}, else `fallback`. */
export function currentLogger(fallback: Logger): Logger {
  return storage.getStore()?.logger ?? fallback;
}
