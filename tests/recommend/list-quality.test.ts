import { describe, expect, it } from 'vitest';
import { formatStars } from '../../src/bot/text.ts';
import {
  applyListRules,
  bayesianAverage,
  DEMOTE_BEHIND,
  orderPageByPrediction,
  predictionFloor,
} from '../../src/recommend/list-rules.ts';

const entry = (id: number, predicted: number | null, evidence = 100) => ({ id, predicted, evidence });

describe('list rules (issue 15, item 2)', () => {
  it('never keeps a film predicted below 3★ or well below the user’s own mean', () => {
    const list = [entry(1, 4.2), entry(2, 2.9), entry(3, 3.4), entry(4, 1.9), entry(5, null)];
    const generous = applyListRules(list, 3.5);
    expect(generous.entries.map((e) => e.id)).toEqual([1, 3, 5]);
    expect(generous.dropped).toBe(2);
    // A user who rates everything 4.8 on average would not enjoy a 3.2.
    expect(predictionFloor(4.8)).toBeCloseTo(3.3);
    expect(applyListRules(list, 4.8).entries.map((e) => e.id)).toEqual([1, 3, 5]);
    expect(applyListRules([entry(6, 3.2)], 4.8).entries).toEqual([]);
    for (const e of applyListRules(list, 3.5).entries) {
      if (e.predicted !== null) expect(e.predicted).toBeGreaterThanOrEqual(3);
    }
  });

  it('without ratings (no mean) drops nothing: the numbers are averages, not predictions', () => {
    const list = [entry(1, 2.5), entry(2, 4)];
    expect(applyListRules(list, Number.NaN).entries.map((e) => e.id)).toEqual([1, 2]);
  });

  it('moves a film with one or two ratings behind well-evidenced ones unless the prediction is confident', () => {
    const solid = Array.from({ length: 12 }, (_, k) => entry(100 + k, 3.6));
    const weak = entry(1, 3.5, 1);
    const confident = entry(2, 4.4, 2);
    const out = applyListRules([weak, confident, ...solid], 3).entries.map((e) => e.id);
    expect(out[0]).toBe(2);
    // Behind ten well-evidenced (or confident) entries.
    expect(out.indexOf(1)).toBe(DEMOTE_BEHIND);
    expect(out).toHaveLength(14);
  });

  it('orders a page by the numbers its cards show, entries without one last', () => {
    const page = [entry(1, 3.4), entry(2, null), entry(3, 4.2), entry(4, 3.9)];
    expect(orderPageByPrediction(page).map((e) => e.id)).toEqual([3, 4, 1, 2]);
  });

  it('keeps the films that fit the request as asked before those a widened request added', () => {
    // 1977 films (tier 0) first even with lower predictions, each group by its numbers.
    const page = [{ ...entry(1, 4.5), tier: 1 }, entry(2, 3.6), { ...entry(3, 4.8), tier: 1 }, entry(4, 3.9)];
    expect(orderPageByPrediction(page).map((e) => e.id)).toEqual([4, 2, 3, 1]);
  });

  it('shrinks an average from one or two ratings toward the catalog mean (Bayesian average)', () => {
    const one = bayesianAverage({ ratingCount: 1, ratingMean: 2, imdbRating: null, imdbVotes: null }, 3.5)!;
    const many = bayesianAverage({ ratingCount: 300, ratingMean: 4.2 }, 3.5)!;
    expect(one).toBeGreaterThan(3.3);
    expect(one).toBeLessThan(3.5);
    expect(many).toBeGreaterThan(4.1);
    // The starter catalog: IMDb rating and votes stand in for ratings.
    const imdb = bayesianAverage(
      { ratingCount: 0, ratingMean: 0, imdbRating: 8.6, imdbVotes: 900_000 },
      3.5,
    )!;
    expect(imdb).toBeGreaterThan(4.2);
    expect(bayesianAverage({ ratingCount: 0, ratingMean: 0 }, 3.5)).toBeNull();
  });
});

describe('formatStars', () => {
  it('draws predictions to the nearest half star, like ratings', () => {
    expect(formatStars(3.7)).toBe('★★★½ 3.7');
    expect(formatStars(3.8)).toBe('★★★★ 3.8');
    expect(formatStars(4.2)).toBe('★★★★ 4.2');
    expect(formatStars(4.8)).toBe('★★★★★ 4.8');
    expect(formatStars(4.5)).toBe('★★★★½ 4.5');
    expect(formatStars(0.5)).toBe('½ 0.5');
  });
});
