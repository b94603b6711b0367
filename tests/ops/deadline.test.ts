import { describe, expect, it } from 'vitest';
import { DEADLINE_REPLY_TEXT, withDeadline } from '../../src/bot/deadline.ts';
import type { BotCore, BotEvent, Reply } from '../../src/bot/types.ts';
import { captureLogger } from './log-capture.ts';

const event: BotEvent = {
  type: 'command',
  id: 'e1',
  command: 'recommend',
  text: 'secret words',
  actor: { userKey: 'discord:g:u-secret', platform: 'discord', tenant: 'g' },
  channel: { key: 'discord:g:c', platform: 'discord', tenant: 'g' },
};

/** A core whose answer the test releases by hand, and a timer the test fires by hand. */
function harness() {
  let release: (r: Reply[]) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const core: BotCore = {
    commands: [],
    handle: () =>
      new Promise<Reply[]>((resolve, reject) => {
        release = resolve;
        fail = reject;
      }),
    messagePosted: async () => {},
    autocomplete: async () => [],
    purgeTenant: async () => ({ users: 0 }),
  };
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const cap = captureLogger();
  const wrapped = withDeadline(core, {
    deadlineMs: 5_000,
    logger: cap.logger,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      (t as (typeof timers)[number]).cleared = true;
    },
  });
  return { wrapped, timers, cap, release: (r: Reply[]) => release(r), fail: (e: unknown) => fail(e) };
}

describe('withDeadline', () => {
  it('answers "try again" (ephemeral, outcome unavailable) when the core has not answered at the deadline', async () => {
    const h = harness();
    const reply = h.wrapped.handle(event);
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0]!.ms).toBe(5_000);
    h.timers[0]!.fn();
    expect(await reply).toEqual([
      { text: DEADLINE_REPLY_TEXT, ephemeral: true, data: { outcome: 'unavailable', error: 'deadline' } },
    ]);
    // The late answer is dropped, not sent twice.
    h.release([{ text: 'Rated 4★' }]);
    expect(await reply).toHaveLength(1);
    expect(h.cap.text()).toContain('deadline');
    expect(h.cap.text()).not.toContain('secret');
  });

  it("passes the core's answer (or error) through when it comes first, and clears its timer", async () => {
    const h = harness();
    const reply = h.wrapped.handle(event);
    h.release([{ text: 'Here are your movies' }]);
    expect(await reply).toEqual([{ text: 'Here are your movies' }]);
    expect(h.timers[0]!.cleared).toBe(true);
    h.timers[0]!.fn();
    expect(await reply).toEqual([{ text: 'Here are your movies' }]);

    const h2 = harness();
    const failing = h2.wrapped.handle(event);
    h2.fail(new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
  });
});

describe('deadline and connection-limit settings', () => {
  it('default to a 5 s deadline, 15 s statements and 30 s idle transactions, and can be changed', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    const defaults = loadConfig({});
    expect(defaults.requestDeadlineMs).toBe(5_000);
    expect(defaults.database).toEqual({ statementTimeoutMs: 15_000, idleInTransactionTimeoutMs: 30_000 });
    const changed = loadConfig({ REQUEST_DEADLINE_MS: '2500', DB_STATEMENT_TIMEOUT_MS: '0' });
    expect(changed.requestDeadlineMs).toBe(2_500);
    expect(changed.database.statementTimeoutMs).toBe(0);
    expect(() => loadConfig({ REQUEST_DEADLINE_MS: '5' })).toThrow(/REQUEST_DEADLINE_MS/);
  });
});
