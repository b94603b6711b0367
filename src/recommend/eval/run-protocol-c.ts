import { HybridRecommender } from '../hybrid.ts';
import type { Dataset, RatingRecord, UserState } from '../types.ts';
import { newUserSplit, PROFILE_SIZES, profileAndRelevant } from './protocol-c.ts';
import { RankingAccumulator } from './protocol-t.ts';
import { type ReferenceModel, referenceRankers } from './references.ts';
import { COMPONENT_OF, type EvalLine, type EvalOptions, TRAIN_PARTS, trainForEval } from './run-eval.ts';

/**
 * EVAL.md protocol C (new users): the hybrid is trained once without the held-out users; each is
 * folded in from their first k ratings through the bot's own path (`forUser`, no retraining) and
 * scored on the rest. One line per model and k.
 */
export function protocolC(dataset: Dataset, options: EvalOptions): EvalLine[] {
  const split = newUserSplit(dataset.ratings);
  options.log(`protocol C: ${split.train.length} training ratings, ${split.users.length} held-out users`);
  const references = referenceRankers(dataset, split.train, options.models, options.log);
  const started = performance.now();
  const state = (options.trainC ?? trainForEval)({ items: dataset.items, ratings: split.train }, options);
  const totalTrain = (performance.now() - started) / 1000;
  const rec = new HybridRecommender(state);
  const out: EvalLine[] = [];
  for (const k of PROFILE_SIZES) {
    const users = split.users.flatMap((u) => {
      const p = profileAndRelevant(u, k);
      return p ? [p] : [];
    });
    for (const model of options.models) {
      if (model === 'baseline') continue;
      const acc = new RankingAccumulator(dataset.items.length);
      const reference = references.get(model as ReferenceModel);
      for (const { profile, relevant } of users) {
        const user = newUserState(profile);
        const top = reference
          ? reference.rank(profile, 20)
          : model === 'hybrid'
            ? rec
                .forUser(user)
                .recommend({ n: 20, watchlist: 'neutral' })
                .map((r) => r.item)
            : rec.rankWith(COMPONENT_OF[model]!, user, 20);
        acc.add(top, relevant);
      }
      const trainSeconds = reference
        ? reference.seconds
        : model === 'hybrid'
          ? totalTrain
          : (TRAIN_PARTS[model] ?? []).reduce((s, part) => s + (state.trainSeconds[part] ?? 0), 0);
      const m = acc.result();
      options.log(`  C k=${k} ${model}: ndcg10=${m.ndcg10.toFixed(4)} recall20=${m.recall20.toFixed(4)}`);
      const tuned = state.tuning?.validation.chosen;
      const validation =
        model === 'hybrid' && tuned ? { validationNdcg10: k === 5 ? tuned.c5 : tuned.c10 } : {};
      out.push({ protocol: 'C', k, model, ...m, ...validation, trainSeconds });
    }
  }
  return out;
}

/** A brand-new user as the bot sees one: their ratings and nothing else. */
export function newUserState(profile: readonly RatingRecord[]): UserState {
  return {
    ratings: profile.map((r) => ({ item: r.item, rating: r.rating, timestamp: r.timestamp })),
    seen: [],
    notInterested: [],
    watchlist: [],
  };
}
