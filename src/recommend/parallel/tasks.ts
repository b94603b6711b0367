import { type EaseConfig, easeGram, finishEase } from '../ease.ts';
import { type ItemKnnConfig, itemKnnRows, type RatingMatrix } from '../item-knn.ts';
import { alsScratch, solveAlsRows } from '../mf.ts';

/**
 * The pieces of training that run on worker threads. Large inputs are typed arrays over
 * SharedArrayBuffers (shared, not copied); outputs are either written into shared arrays or
 * returned and transferred.
 */
export type TrainTask =
  | { kind: 'itemKnn'; data: RatingMatrix; config: ItemKnnConfig; part: number; parts: number }
  | {
      kind: 'easeGram';
      data: RatingMatrix;
      column: Int32Array;
      gram: Float64Array;
      n: number;
      ratingSlope: number;
      part: number;
      parts: number;
    }
  | { kind: 'easeFinish'; gram: Float64Array; kept: Int32Array; column: Int32Array; config: EaseConfig }
  | {
      kind: 'als';
      k: number;
      ptr: Int32Array;
      idx: Int32Array;
      ratings: Float32Array;
      fixedFactors: Float64Array;
      fixedBias: Float64Array;
      mean: number;
      reg: number;
      biasReg: number;
      outFactors: Float64Array;
      outBias: Float64Array;
      from: number;
      to: number;
      maxPerRow: number;
    };

/** Runs one task; returns its result and the buffers to transfer back. */
export function runTask(task: TrainTask): { result: unknown; transfer: ArrayBuffer[] } {
  switch (task.kind) {
    case 'itemKnn': {
      const s = itemKnnRows(task.data, task.config, task.part, task.parts);
      return { result: s, transfer: [s.ptr.buffer, s.nbr.buffer, s.sim.buffer] as ArrayBuffer[] };
    }
    case 'easeGram':
      easeGram(task.data, task.column, task.gram, task.n, task.ratingSlope, task.part, task.parts);
      return { result: null, transfer: [] };
    case 'easeFinish': {
      // In place on the shared Gram (finishEase mirrors, regularises and inverts it): the calling thread
      // hands it over and never reads it again, so a private copy would only add n² doubles (32 MB at
      // n = 2,000) to the worker's peak.
      const s = finishEase(task.gram, task.kept, task.column, task.config);
      return { result: s, transfer: [s.rowPtr.buffer, s.cols.buffer, s.weights.buffer] as ArrayBuffer[] };
    }
    case 'als':
      solveAlsRows(
        task.k,
        task.ptr,
        task.idx,
        task.ratings,
        task.fixedFactors,
        task.fixedBias,
        task.mean,
        task.reg,
        task.biasReg,
        task.outFactors,
        task.outBias,
        task.from,
        task.to,
        alsScratch(task.k),
        task.maxPerRow,
      );
      return { result: null, transfer: [] };
  }
}
