import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bordaPoints,
  DEFAULT_MISERY_THRESHOLD,
  GROUP_STRATEGIES,
  type GroupCandidate,
  joinNames,
  rankForGroup,
} from '../../src/group/aggregate.ts';

const members = ['Ana', 'Ben', 'Cy'];
/**
 * Designed so each strategy picks a different film:
 * 1 — two love it, one hates it (Borda's favourite: two first places);
 * 2 — everyone finds it fine (least misery's favourite: best minimum);
 * 3 — two like it a lot, one is lukewarm (average without misery: best mean once 1 is dropped).
 */
const designed: GroupCandidate[] = [
  { movieId: 1, predictions: [5, 5, 1] },
  { movieId: 2, predictions: [3.5, 3.5, 3.5] },
  { movieId: 3, predictions: [4.5, 4.5, 3] },
];

const stars = fc.integer({ min: 1, max: 10 }).map((n) => n / 2);
const groupArb = fc.integer({ min: 2, max: 5 }).chain((m) =>
  fc.record({
    m: fc.constant(m),
    candidates: fc.uniqueArray(
      fc.record({
        movieId: fc.integer({ min: 1, max: 10_000 }),
        predictions: fc.array(stars, { minLength: m, maxLength: m }),
      }),
      { minLength: 1, maxLength: 12, selector: (c) => c.movieId },
    ),
  }),
);
const names = (m: number) => Array.from({ length: m }, (_, i) => `M${i}`);

describe('group aggregation', () => {
  it('ranks the designed example differently per strategy, in the expected way', () => {
    const top = (strategy: (typeof GROUP_STRATEGIES)[number]) =>
      rankForGroup({ members, candidates: designed, strategy }).picks.map((p) => p.movieId);
    expect(top('average')).toEqual([3, 2]);
    expect(top('least-misery')).toEqual([2, 3, 1]);
    expect(top('borda')).toEqual([1, 3, 2]);
  });

  it('explains a pick with the group floor and shared loved films', () => {
    const [pick] = rankForGroup({
      members: ['Ana', 'Ben', 'Cy', 'Di'],
      candidates: [
        { movieId: 9, predictions: [4, 3.6, 4.5, 3.9], lovedBecause: ['Heat', 'Heat', null, 'Ronin'] },
      ],
      strategy: 'average',
    }).picks;
    expect(pick!.explanation).toBe('all 4 of you ≥ 3.5★ predicted; Ana and Ben loved Heat; Di loved Ronin');
    const [lukewarm] = rankForGroup({ members, candidates: [designed[2]!], strategy: 'average' }).picks;
    expect(lukewarm!.explanation).toBe('predicted Ana 4.5★, Ben 4.5★, Cy 3★');
  });

  it('falls back to least misery when every candidate makes someone miserable', () => {
    const r = rankForGroup({
      members: ['A', 'B'],
      candidates: [
        { movieId: 1, predictions: [5, 1] },
        { movieId: 2, predictions: [2, 2] },
      ],
      strategy: 'average',
    });
    expect(r.fellBack).toBe(true);
    expect(r.picks.map((p) => p.movieId)).toEqual([2, 1]);
  });

  it('least misery never puts first a film someone is predicted to hate when an alternative exists', () => {
    fc.assert(
      fc.property(groupArb, ({ m, candidates }) => {
        const { picks } = rankForGroup({ members: names(m), candidates, strategy: 'least-misery' });
        const bestMin = Math.max(...candidates.map((c) => Math.min(...c.predictions)));
        expect(picks[0]!.min).toBe(bestMin);
        if (candidates.some((c) => c.predictions.every((p) => p >= DEFAULT_MISERY_THRESHOLD)))
          expect(picks[0]!.predictions.every((p) => p >= DEFAULT_MISERY_THRESHOLD)).toBe(true);
      }),
    );
  });

  it('average without misery only keeps films everyone tolerates, unless there are none', () => {
    fc.assert(
      fc.property(groupArb, ({ m, candidates }) => {
        const r = rankForGroup({ members: names(m), candidates, strategy: 'average' });
        const tolerable = candidates.filter((c) => c.predictions.every((p) => p >= DEFAULT_MISERY_THRESHOLD));
        expect(r.fellBack).toBe(tolerable.length === 0);
        if (!r.fellBack) {
          expect(r.picks.map((p) => p.movieId).sort()).toEqual(tolerable.map((c) => c.movieId).sort());
          for (let i = 1; i < r.picks.length; i++)
            expect(r.picks[i - 1]!.mean).toBeGreaterThanOrEqual(r.picks[i]!.mean - 1e-9);
        }
      }),
    );
  });

  it('hands out exactly m·n(n−1)/2 Borda points, and does not care about member order', () => {
    fc.assert(
      fc.property(groupArb, ({ m, candidates }) => {
        const n = candidates.length;
        const total = bordaPoints(candidates, m).reduce((s, x) => s + x, 0);
        expect(total).toBeCloseTo((m * n * (n - 1)) / 2, 9);
        const reversed = candidates.map((c) => ({ ...c, predictions: [...c.predictions].reverse() }));
        const a = rankForGroup({ members: names(m), candidates, strategy: 'borda' }).picks.map(
          (p) => p.movieId,
        );
        const b = rankForGroup({ members: names(m), candidates: reversed, strategy: 'borda' }).picks.map(
          (p) => p.movieId,
        );
        expect(b).toEqual(a);
      }),
    );
  });

  it('a film everyone ranks first wins under every strategy', () => {
    fc.assert(
      fc.property(groupArb, fc.constantFrom(...GROUP_STRATEGIES), ({ m, candidates }, strategy) => {
        const star = { movieId: 0, predictions: Array.from({ length: m }, () => 5) };
        const others = candidates.map((c) => ({
          ...c,
          predictions: c.predictions.map((p) => Math.min(p, 4.5)),
        }));
        const { picks } = rankForGroup({ members: names(m), candidates: [...others, star], strategy });
        expect(picks[0]!.movieId).toBe(0);
      }),
    );
  });

  it('joins names the way people write them', () => {
    expect(joinNames(['Ana'])).toBe('Ana');
    expect(joinNames(['Ana', 'Ben'])).toBe('Ana and Ben');
    expect(joinNames(['Ana', 'Ben', 'Cy'])).toBe('Ana, Ben and Cy');
  });
});
