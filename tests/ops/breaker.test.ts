import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/db/breaker.ts';
import { DatabaseUnavailableError } from '../../src/errors.ts';

/** A breaker on a hand-moved clock, with a probe whose answer the test decides. */
function harness(cooldownMs = 2_000) {
  let clock = 1_000;
  let probeAnswers = true;
  let probes = 0;
  let releaseProbe: (() => void) | undefined;
  const breaker = createCircuitBreaker({
    cooldownMs,
    probeTimeoutMs: 60_000,
    now: () => clock,
    probe: () => {
      probes++;
      return new Promise<void>((resolve, reject) => {
        releaseProbe = () => (probeAnswers ? resolve() : reject(new Error('ECONNREFUSED')));
      });
    },
  });
  return {
    breaker,
    advance: (ms: number) => {
      clock += ms;
    },
    setProbe: (ok: boolean) => {
      probeAnswers = ok;
    },
    probes: () => probes,
    releaseProbe: () => releaseProbe?.(),
  };
}

describe('database circuit breaker', () => {
  it('fails fast after a connection error until the cool-down ends, then one probe lets traffic through', async () => {
    const h = harness();
    await h.breaker.admit();
    h.breaker.tripped(h.breaker.now());
    expect(h.breaker.state()).toBe('open');
    await expect(h.breaker.admit()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    h.advance(1_999);
    await expect(h.breaker.admit()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(h.probes()).toBe(0);

    h.advance(1);
    const prober = h.breaker.admit();
    expect(h.breaker.state()).toBe('half-open');
    // While the probe is out, everyone else still fails fast (no pile-up behind a dead server).
    await expect(h.breaker.admit()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    h.releaseProbe();
    await prober;
    expect(h.breaker.state()).toBe('closed');
    expect(h.probes()).toBe(1);
    await h.breaker.admit();
  });

  it('a failed probe starts another cool-down; stragglers from before the recovery do not re-open it', async () => {
    const h = harness();
    h.breaker.tripped(h.breaker.now());
    h.advance(2_000);
    h.setProbe(false);
    const failedProbe = h.breaker.admit();
    h.releaseProbe();
    await expect(failedProbe).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(h.breaker.state()).toBe('open');
    await expect(h.breaker.admit()).rejects.toBeInstanceOf(DatabaseUnavailableError);

    const stragglerStart = h.breaker.now();
    h.advance(2_000);
    h.setProbe(true);
    const probe = h.breaker.admit();
    h.releaseProbe();
    await probe;
    h.advance(10);
    h.breaker.tripped(stragglerStart);
    expect(h.breaker.state()).toBe('closed');
    // A query sent after the recovery that loses its connection does open it again.
    h.breaker.tripped(h.breaker.now());
    expect(h.breaker.state()).toBe('open');
  });
});
