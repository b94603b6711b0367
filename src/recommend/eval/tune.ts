/**
 * Hyper-parameter search on a validation split carved from protocol T's training data only (the
 * test split is never seen): `npx tsx src/recommend/eval/tune.ts DIR`. Training-time knobs (EASE λ)
 * retrain one component; scoring-time knobs (blend weights, recency, diversity) reuse the trained
 * state. Prints one JSON line per setting, best last, by NDCG@10 among settings with Coverage@10 ≥
 * the floor. Used to choose DEFAULT_HYBRID_CONFIG.
 */
import { trainEase } from '../ease.ts';
import { HybridRecommender } from '../hybrid.ts';
import { type DeepPartial, type HybridConfig, resolveConfig } from '../hybrid-config.ts';
import { prepareDataset } from '../prepare.ts';
import { trainHybridState } from '../train.ts';
import { RankingAccumulator, temporalSplit } from './protocol-t.ts';
import { readEvalDataset } from './run-eval.ts';

const COVERAGE_FLOOR = 0.065;

const dir = process.argv[2] ?? '../shared/data/ml-latest-small';
const dataset = readEvalDataset(dir);
const split = temporalSplit(temporalSplit(dataset.ratings).train);
const trainSet = { items: dataset.items, ratings: split.train };
const base = trainHybridState(trainSet);
const data = prepareDataset(trainSet);

function evaluate(config: HybridConfig): { ndcg10: number; coverage10: number; recall20: number } {
  const rec = new HybridRecommender({ ...base, config });
  const acc = new RankingAccumulator(dataset.items.length);
  for (const u of split.users) {
    const user = {
      ratings: u.train.map((r) => ({ item: r.item, rating: r.rating, timestamp: r.timestamp })),
      seen: [],
      notInterested: [],
      watchlist: [],
    };
    acc.add(
      rec.recommend(user, { n: 20, watchlist: 'neutral' }).map((r) => r.item),
      u.relevant,
    );
  }
  return acc.result();
}

const results: { setting: string; ndcg10: number; coverage10: number }[] = [];
/** argv[3]: a JSON array of partial configs to try (scoring-time knobs, plus `ease.lambda`). */
const settings = JSON.parse(process.argv[3] ?? '[{}]') as DeepPartial<HybridConfig>[];
for (const partial of settings) {
  const lambda = partial.ease?.lambda ?? base.config.ease.lambda;
  if (lambda !== base.ease.lambda) {
    base.ease = trainEase(data, { ...base.config.ease, lambda });
  }
  const config = resolveConfig({
    ...base.config,
    ...partial,
    ease: { ...base.config.ease, lambda },
  } as DeepPartial<HybridConfig>);
  const m = evaluate(config);
  const setting = JSON.stringify(partial);
  results.push({ setting, ...m });
  process.stdout.write(`${JSON.stringify({ setting, ...m })}\n`);
}
const ok = results.filter((r) => r.coverage10 >= COVERAGE_FLOOR).sort((a, b) => a.ndcg10 - b.ndcg10);
process.stdout.write(
  `best with coverage >= ${COVERAGE_FLOOR}: ${JSON.stringify(ok[ok.length - 1] ?? null)}\n`,
);
