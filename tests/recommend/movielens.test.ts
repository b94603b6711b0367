import { beforeAll, expect, it } from 'vitest';
import { readEvalDataset, runEval } from '../../src/recommend/eval/run-eval.ts';
import type { Dataset } from '../../src/recommend/types.ts';
import { describeWithMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';

/** Users kept from ml-latest-small: enough for collaborative signal, small enough for a unit test. */
const SUBSAMPLE_USERS = 200;

describeWithMovieLens('engine on an ml-latest-small subsample', () => {
  let dataset: Dataset;

  beforeAll(() => {
    const full = readEvalDataset(ML_LATEST_SMALL);
    dataset = { items: full.items, ratings: full.ratings.filter((r) => r.user <= SUBSAMPLE_USERS) };
  });

  it('protocol T: the hybrid beats most-popular, and EASE beats item-kNN-free baselines', () => {
    const lines = runEval(dataset, {
      models: ['reference-popular', 'popularity', 'ease', 'hybrid'],
      protocols: ['T'],
      config: { ease: { maxItems: 800 }, mf: { iterations: 2 } },
      // The validation search trains a second model: a unit test checks the protocol, not the tuner.
      tune: false,
      log: () => {},
    });
    const by = Object.fromEntries(lines.map((l) => [l.model, l]));
    expect(by.hybrid!.users).toBeGreaterThan(150);
    for (const l of lines) {
      expect(Number.isFinite(l.ndcg10)).toBe(true);
      expect(l.ndcg10).toBeGreaterThanOrEqual(0);
      expect(l.ndcg10).toBeLessThanOrEqual(1);
    }
    expect(by.hybrid!.ndcg10!).toBeGreaterThan(by['reference-popular']!.ndcg10! * 1.2);
    expect(by.ease!.ndcg10!).toBeGreaterThan(by['reference-popular']!.ndcg10!);
    expect(by.hybrid!.coverage10!).toBeGreaterThan(by['reference-popular']!.coverage10!);
  });

  it('protocol R: biased MF predicts better than the user + item baseline', () => {
    const lines = runEval(dataset, {
      models: ['mf', 'baseline'],
      protocols: ['R'],
      config: { mf: { iterations: 4 } },
      log: () => {},
    });
    const by = Object.fromEntries(lines.map((l) => [l.model, l]));
    expect(by.mf!.rmse!).toBeLessThan(by.baseline!.rmse!);
    expect(by.mf!.mae!).toBeGreaterThan(0);
  });
});
