import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { easeWeight } from '../../src/recommend/ease.ts';
import type { HybridRecommender } from '../../src/recommend/hybrid.ts';
import type { HybridState } from '../../src/recommend/hybrid-state.ts';
import { historyLinks } from '../../src/recommend/reasons.ts';
import { trainRecommender } from '../../src/recommend/train.ts';
import { syntheticDataset } from './fixtures.ts';

/**
 * The definition the one-pass index must agree with: scan the whole history for each target; a history
 * item's link is its EASE weight towards the target when both are in the EASE set, else its item-kNN
 * similarity; the first position with the largest positive `weight · link` wins.
 */
function scan(state: HybridState, history: number[], weights: Float64Array, i: number): number {
  const { ease } = state;
  const ci = ease.items.length > 0 ? ease.column[i]! : -1;
  const { ptr, nbr, sim } = state.itemKnn;
  let best = -1;
  let bestValue = 0;
  history.forEach((j, h) => {
    const cj = ci >= 0 ? ease.column[j]! : -1;
    let link = 0;
    if (cj >= 0) link = easeWeight(ease, cj, ci);
    else for (let k = ptr[j]!; k < ptr[j + 1]!; k++) if (nbr[k] === i) link = sim[k]!;
    if (weights[h]! * link > bestValue) {
      bestValue = weights[h]! * link;
      best = h;
    }
  });
  return best;
}

describe('historyLinks', () => {
  const rec = trainRecommender(syntheticDataset({ seed: 11 })) as HybridRecommender;
  const { state } = rec;
  const n = state.items.length;
  const slots = new Int32Array(n);

  it('finds, for each target, the link a scan of the whole history finds, and leaves its scratch zeroed', () => {
    expect(state.ease.items.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.constantFrom(0, 0.25, 1, 1.5, 2), { minLength: 1, maxLength: 8 }),
        (history, targets, ws) => {
          const weights = Float64Array.from(history, (_, h) => ws[h % ws.length]!);
          const links = historyLinks(state, Int32Array.from(history), weights, targets, slots);
          for (const i of targets) expect(links.get(i), `target ${i}`).toBe(scan(state, history, weights, i));
          expect(slots.every((s) => s === 0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('links nothing without weights (a similar-list explains by its seed)', () => {
    expect(historyLinks(state, Int32Array.of(0, 1, 2), new Float64Array(0), [3, 4], slots).size).toBe(0);
  });
});
