import { describe, expect, it } from 'vitest';
import { flushPool, type SelectOne, selectOne } from '../../src/db/probe.ts';

/** A client whose successive `select 1`s answer as scripted (an error object, or undefined for a row). */
function scripted(answers: (Record<string, unknown> | undefined)[]) {
  let calls = 0;
  const client = (() => {
    const answer = answers[calls++];
    return answer
      ? Promise.reject(Object.assign(new Error('x'), answer))
      : Promise.resolve([{ '?column?': 1 }]);
  }) as unknown as SelectOne;
  return { client, calls: () => calls };
}

describe('the breaker probe on Postgres', () => {
  it('tries the ping again when the first answer is a server error (a dropped connection’s leftover)', async () => {
    const leftover = scripted([{ code: '57P01', severity: 'FATAL' }]);
    await selectOne(leftover.client);
    expect(leftover.calls()).toBe(2);
  });

  it('does not try again when the server is not there (refused), nor when the second answer fails too', async () => {
    const refused = scripted([{ code: 'ECONNREFUSED' }]);
    await expect(selectOne(refused.client)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(refused.calls()).toBe(1);
    const starting = scripted([
      { code: '57P03', severity: 'FATAL' },
      { code: '57P03', severity: 'FATAL' },
    ]);
    await expect(selectOne(starting.client)).rejects.toMatchObject({ code: '57P03' });
    expect(starting.calls()).toBe(2);
  });

  it('flushes every pooled connection at once and ignores their failures', async () => {
    const pool = scripted([{ code: '57P01', severity: 'FATAL' }, undefined, { code: 'CONNECTION_CLOSED' }]);
    const { done } = await flushPool(pool.client, 3);
    expect(pool.calls()).toBe(3);
    await expect(done).resolves.toBeDefined();
  });

  it('returns once the flush queries are sent, without waiting for their answers', async () => {
    let calls = 0;
    const connecting = (() => {
      calls++;
      return new Promise(() => {});
    }) as unknown as SelectOne;
    await flushPool(connecting, 2);
    expect(calls).toBe(2);
  });
});
