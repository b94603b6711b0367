import { describe, expect, it } from 'vitest';
import type { BotCore, BotEvent, Reply } from '../../src/bot/types.ts';
import { DatabaseUnavailableError, UserError } from '../../src/errors.ts';
import { instrumentCore, isConnectionError } from '../../src/ops/instrument.ts';
import { createMetrics, labelValue } from '../../src/ops/metrics.ts';
import { currentLogger, currentRequestContext } from '../../src/ops/request-context.ts';
import { captureLogger } from './log-capture.ts';

function command(id: string, name: string, text = ''): BotEvent {
  return {
    type: 'command',
    id,
    command: name,
    text,
    actor: { userKey: 'discord:g1:u1', platform: 'discord', tenant: 'g1' },
    channel: { key: 'discord:g1:c1', platform: 'discord', tenant: 'g1' },
  };
}

/** A stand-in core whose behaviour each test scripts; it logs through the request context. */
function fakeCore(
  handle: (e: BotEvent, log: ReturnType<typeof currentLogger>) => Promise<Reply[]>,
  fallback: ReturnType<typeof captureLogger>['logger'],
): BotCore {
  return {
    commands: [],
    handle: (e) => handle(e, currentLogger(fallback)),
    messagePosted: async () => {},
    autocomplete: async () => [],
    purgeTenant: async () => ({ users: 0 }),
  };
}

async function counterValue(
  metrics: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string>,
) {
  const json = await metrics.registry.getMetricsAsJSON();
  const metric = json.find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return value?.value ?? 0;
}

describe('instrumentCore', () => {
  it('gives each concurrent event its own request id on every log line written while handling it', async () => {
    const cap = captureLogger();
    const core = fakeCore(async (e, log) => {
      log.info({ step: 1 }, 'start');
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      log.info({ step: 2, sameCtx: currentRequestContext()?.logger === log }, 'end');
      return [{ text: `ok ${e.id}` }];
    }, cap.logger);
    const wrapped = instrumentCore(core, { metrics: createMetrics(), logger: cap.logger });
    const ids = Array.from({ length: 20 }, (_, i) => `evt-${i}`);
    const replies = await Promise.all(ids.map((id) => wrapped.handle(command(id, 'recommend'))));
    expect(replies.map((r) => r[0]?.text)).toEqual(ids.map((id) => `ok ${id}`));

    const lines = cap.lines().filter((l) => l.msg === 'start' || l.msg === 'end');
    expect(lines).toHaveLength(40);
    const reqIdByEvent = new Map<string, Set<unknown>>();
    for (const line of lines) {
      expect(line).toMatchObject({ platform: 'discord', tenant: 'g1', event: 'recommend' });
      const set = reqIdByEvent.get(line.eventId as string) ?? new Set();
      set.add(line.reqId);
      reqIdByEvent.set(line.eventId as string, set);
    }
    // One request id per event, and no two events share one.
    expect([...reqIdByEvent.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set([...reqIdByEvent.values()].map((s) => [...s][0])).size).toBe(20);
    expect(lines.filter((l) => l.msg === 'end').every((l) => l.sameCtx === true)).toBe(true);
  });

  it('counts outcomes and errors, times every event, and passes errors through unchanged', async () => {
    const cap = captureLogger();
    const metrics = createMetrics();
    const failures: Record<string, () => Promise<Reply[]>> = {
      rate: async () => {
        throw new UserError('unknown-title', 'No such movie.');
      },
      recommend: async () => {
        throw new DatabaseUnavailableError('down');
      },
      stats: async () => {
        throw new Error('bug');
      },
      watchlist: async () => [{ text: 'Try again in a moment.', data: { outcome: 'unavailable' } }],
    };
    const core = fakeCore(async (e) => {
      const name = e.type === 'command' ? e.command : e.type;
      return failures[name] ? failures[name]() : [{ text: 'fine' }];
    }, cap.logger);
    const wrapped = instrumentCore(core, { metrics, logger: cap.logger });

    await expect(wrapped.handle(command('1', 'rate'))).rejects.toBeInstanceOf(UserError);
    await expect(wrapped.handle(command('2', 'recommend'))).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(wrapped.handle(command('3', 'stats'))).rejects.toThrow('bug');
    await wrapped.handle(command('4', 'watchlist'));
    await wrapped.handle(command('5', 'help'));
    await wrapped.handle(command('6', 'no such command with spaces!'));

    const total = (command: string, outcome: string) =>
      counterValue(metrics, 'movierec_requests_total', { command, outcome, platform: 'discord' });
    expect(await total('rate', 'user_error')).toBe(1);
    expect(await total('recommend', 'unavailable')).toBe(1);
    expect(await total('stats', 'error')).toBe(1);
    expect(await total('watchlist', 'unavailable')).toBe(1);
    expect(await total('help', 'ok')).toBe(1);
    expect(await total('other', 'ok')).toBe(1);
    expect(await counterValue(metrics, 'movierec_errors_total', { command: 'stats', kind: 'internal' })).toBe(
      1,
    );
    expect(
      await counterValue(metrics, 'movierec_errors_total', { command: 'recommend', kind: 'database' }),
    ).toBe(1);
    expect(await counterValue(metrics, 'movierec_errors_total', { command: 'rate' })).toBe(0);

    const text = await metrics.render();
    const count = text
      .split('\n')
      .find((l) => l.startsWith('movierec_request_duration_seconds_count{command="help"'));
    expect(count?.endsWith(' 1')).toBe(true);
    // The failure is logged with its request id; the user error is not logged as a failure.
    const failed = cap.lines().filter((l) => l.msg === 'event failed');
    expect(failed.map((l) => l.event).sort()).toEqual(['rate', 'recommend', 'stats']);
    expect(failed.every((l) => typeof l.reqId === 'string')).toBe(true);
  });

  it('recognises connection failures from postgres.js and the server', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    const closed = 'database "movierec" is not currently accepting connections';
    expect(isConnectionError(Object.assign(new Error(closed), { code: '55000' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('cannot alter'), { code: '55000' }))).toBe(false);
    expect(isConnectionError(new Error('plain'))).toBe(false);
  });

  it('keeps metric labels bounded', () => {
    expect(labelValue('recommend')).toBe('recommend');
    expect(labelValue('forget-me')).toBe('forget-me');
    expect(labelValue("'; drop table users; --")).toBe('other');
    expect(labelValue('x'.repeat(41))).toBe('other');
    expect(labelValue(undefined)).toBe('none');
  });
});
