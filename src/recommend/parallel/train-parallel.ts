import { trainBaseline } from '../baseline.ts';
import { trainContent } from '../content.ts';
import { type EaseState, easeColumns, easeItems } from '../ease.ts';
import { resolveConfig } from '../hybrid-config.ts';
import type { HybridState } from '../hybrid-state.ts';
import { interleaveNeighbours, type NeighbourState, type RatingMatrix } from '../item-knn.ts';
import { initialMfFactors, packMf } from '../mf.ts';
import { trainPopularity } from '../popularity.ts';
import type { PreparedData } from '../prepare.ts';
import { releaseMemory } from '../release-memory.ts';
import {
  assembleState,
  emptyEase,
  prepareInput,
  stepTimer,
  type TrainInput,
  type TrainOptions,
} from '../train.ts';
import { trainUserKnn } from '../user-knn.ts';
import { TrainPool } from './pool.ts';

export interface ParallelTrainOptions extends TrainOptions {
  /** Worker threads (default 2: this machine's cores). */
  threads?: number;
}

type Typed = Int32Array | Float32Array | Float64Array;

/** A copy of `a` over a SharedArrayBuffer, so every worker reads it without a copy of its own. */
function shared<T extends Typed>(a: T): T {
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

function sharedZeros<T extends Typed>(
  Ctor: new (buffer: SharedArrayBuffer) => T,
  length: number,
  bytes: number,
): T {
  return new Ctor(new SharedArrayBuffer(length * bytes));
}

/** Splits rows `0..ptr.length-1` into about `chunks` contiguous ranges of similar nonzero counts. */
export function balancedRanges(ptr: Int32Array, chunks: number): [number, number][] {
  const rows = ptr.length - 1;
  const nnz = ptr[rows]!;
  const out: [number, number][] = [];
  let from = 0;
  for (let c = 1; c <= chunks && from < rows; c++) {
    const target = (nnz * c) / chunks;
    let to = from + 1;
    while (to < rows && (ptr[to]! < target || c === chunks)) to++;
    out.push([from, to]);
    from = to;
  }
  if (from < rows) out.push([from, rows]);
  return out;
}

/**
 * {@link trainHybridState} with the heavy components (item-kNN, EASE's Gram matrix and inverse, the
 * ALS sweeps of MF) on worker threads: the same model — every number computed by the same code in
 * the same order, so bit for bit equal (tested) — in less wall time, and the calling thread's event
 * loop stays free while the workers run. Data preparation and the light components (popularity,
 * content, user-kNN, baseline: seconds at 25M) still run on the calling thread.
 */
export async function trainHybridStateParallel(
  dataset: TrainInput,
  options: ParallelTrainOptions = {},
): Promise<HybridState> {
  const config = resolveConfig(options.config);
  const threads = Math.max(1, options.threads ?? 2);
  const { trainSeconds, timed, record } = stepTimer(options);
  const data = timed('prepare', () => prepareInput(dataset));
  const pool = new TrainPool(threads);
  try {
    const matrix: RatingMatrix = {
      userPtr: shared(data.userPtr),
      userItems: shared(data.userItems),
      userRatings: shared(data.userRatings),
      itemPtr: shared(data.itemPtr),
      itemUsers: shared(data.itemUsers),
      itemRatings: shared(data.itemRatings),
      globalMean: data.globalMean,
    };
    const since = (start: number) => (performance.now() - start) / 1000;
    const started = performance.now();

    // Item-kNN: interleaved item parts (more parts than threads, so the queue balances them).
    const knnParts = threads * 4;
    const itemKnn = Promise.all(
      Array.from({ length: knnParts }, (_, part) =>
        pool.run<NeighbourState>({
          kind: 'itemKnn',
          data: matrix,
          config: config.itemKnn,
          part,
          parts: knnParts,
        }),
      ),
    ).then((parts) => {
      const s = interleaveNeighbours(parts, data.items.length);
      record('itemKnn', since(started));
      return s;
    });

    // EASE: the Gram matrix by row parts into one shared matrix, then the inverse on one worker.
    const ease: Promise<EaseState> = config.skipEase
      ? Promise.resolve(emptyEase(data.items.length, config))
      : (async () => {
          const kept = easeItems(data.itemPtr, config.ease);
          const column = easeColumns(data.items.length, kept);
          const n = kept.length;
          const gram = sharedZeros(Float64Array, n * n, 8);
          await Promise.all(
            Array.from({ length: threads }, (_, part) =>
              pool.run({
                kind: 'easeGram',
                data: matrix,
                column,
                gram,
                n,
                ratingSlope: config.ease.ratingSlope,
                part,
                parts: threads,
              }),
            ),
          );
          const s = await pool.run<EaseState>({
            kind: 'easeFinish',
            gram,
            kept,
            column,
            config: config.ease,
          });
          record('ease', since(started));
          return s;
        })();

    const mf = trainMfParallel(pool, data, matrix, config.mf, threads).then((s) => {
      record('mf', since(started));
      return s;
    });

    // The light components run here meanwhile.
    const popularity = timed('popularity', () => trainPopularity(data, config.popularity));
    const content = timed('content', () => trainContent(data, config.content));
    releaseMemory(); // the content model's feature bags, while the workers run
    const userKnn = timed('userKnn', () => trainUserKnn(data, config.userKnn));
    const baseline = timed('baseline', () => trainBaseline(data, config.baseline));
    return assembleState(data, config, options, trainSeconds, {
      popularity,
      content,
      itemKnn: await itemKnn,
      userKnn,
      baseline,
      ease: await ease,
      mf: await mf,
    });
  } finally {
    await pool.close();
  }
}

/** ALS with each half sweep's rows split into ranges solved by the workers (same rows, same order). */
async function trainMfParallel(
  pool: TrainPool,
  data: PreparedData,
  matrix: RatingMatrix,
  config: HybridState['config']['mf'],
  threads: number,
) {
  const k = config.factors;
  const nu = data.userVocab.size;
  const ni = data.items.length;
  const init = initialMfFactors(config, nu, ni);
  const p = shared(init.p);
  const q = shared(init.q);
  const bu = sharedZeros(Float64Array, nu, 8);
  const bi = sharedZeros(Float64Array, ni, 8);
  const userRanges = balancedRanges(matrix.userPtr, threads * 4);
  const itemRanges = balancedRanges(matrix.itemPtr, threads * 4);
  const common = {
    k,
    mean: matrix.globalMean,
    reg: config.reg,
    biasReg: config.biasReg,
    maxPerRow: config.maxRatingsPerRow,
  };
  for (let it = 0; it < config.iterations; it++) {
    await Promise.all(
      userRanges.map(([from, to]) =>
        pool.run({
          kind: 'als',
          ...common,
          ptr: matrix.userPtr,
          idx: matrix.userItems,
          ratings: matrix.userRatings,
          fixedFactors: q,
          fixedBias: bi,
          outFactors: p,
          outBias: bu,
          from,
          to,
        }),
      ),
    );
    await Promise.all(
      itemRanges.map(([from, to]) =>
        pool.run({
          kind: 'als',
          ...common,
          ptr: matrix.itemPtr,
          idx: matrix.itemUsers,
          ratings: matrix.itemRatings,
          fixedFactors: p,
          fixedBias: bu,
          outFactors: q,
          outBias: bi,
          from,
          to,
        }),
      ),
    );
  }
  return packMf(config, matrix.globalMean, q, bi);
}
