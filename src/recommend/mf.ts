import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { mulberry32 } from '../random.ts';
import type { PreparedData } from './prepare.ts';

export interface MfConfig {
  factors: number;
  /** L2 penalty on factors (constant per row: rows with few ratings stay near zero). */
  reg: number;
  /** L2 penalty on biases (constant). */
  biasReg: number;
  iterations: number;
  seed: number;
}

export const DEFAULT_MF_CONFIG: MfConfig = { factors: 20, reg: 15, biasReg: 5, iterations: 8, seed: 7 };

/**
 * Explicit biased matrix factorisation: rating ≈ μ + b_u + b_i + p_u·q_i, trained by alternating
 * least squares. Only item parameters are stored; a user's (p_u, b_u) is folded in per request from
 * their current ratings by the same ridge solve the training uses, so new ratings count at once.
 */
export interface MfState {
  factors: number;
  mean: number;
  itemBias: Float32Array;
  /** Row-major items × factors. */
  itemFactors: Float32Array;
  reg: number;
  biasReg: number;
}

/** Solves one ALS row: minimise Σ (y − [f_j,1]·x)² + reg·|x_f|² + biasReg·x_b². */
function solveRow(
  k: number,
  count: number,
  feature: (t: number, out: Float64Array) => void,
  target: (t: number) => number,
  reg: number,
  biasReg: number,
  ata: Float64Array,
  atb: Float64Array,
  row: Float64Array,
): Float64Array {
  const d = k + 1;
  ata.fill(0);
  atb.fill(0);
  for (let t = 0; t < count; t++) {
    feature(t, row);
    row[k] = 1;
    const y = target(t);
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      atb[a]! += ra * y;
      const off = a * d;
      for (let b = 0; b <= a; b++) ata[off + b]! += ra * row[b]!;
    }
  }
  const m = new Matrix(d, d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = ata[a * d + b]!;
      m.set(a, b, v);
      m.set(b, a, v);
    }
    m.set(a, a, m.get(a, a) + (a === k ? biasReg : reg));
  }
  const x = new CholeskyDecomposition(m).solve(Matrix.columnVector(Array.from(atb)));
  return Float64Array.from(x.getColumn(0));
}

/** Trains biased MF by ALS; deterministic for a given seed. */
export function trainMf(data: PreparedData, config = DEFAULT_MF_CONFIG): MfState {
  const k = config.factors;
  const nu = data.userVocab.size;
  const ni = data.items.length;
  const mu = data.globalMean;
  const rnd = mulberry32(config.seed);
  const p = new Float64Array(nu * k).map(() => (rnd() - 0.5) * 0.1);
  const q = new Float64Array(ni * k).map(() => (rnd() - 0.5) * 0.1);
  const bu = new Float64Array(nu);
  const bi = new Float64Array(ni);
  const d = k + 1;
  const ata = new Float64Array(d * d);
  const atb = new Float64Array(d);
  const row = new Float64Array(d);
  for (let it = 0; it < config.iterations; it++) {
    for (let u = 0; u < nu; u++) {
      const s = data.userPtr[u]!;
      const n = data.userPtr[u + 1]! - s;
      if (n === 0) continue;
      const x = solveRow(
        k,
        n,
        (t, out) => out.set(q.subarray(data.userItems[s + t]! * k, data.userItems[s + t]! * k + k)),
        (t) => data.userRatings[s + t]! - mu - bi[data.userItems[s + t]!]!,
        config.reg,
        config.biasReg,
        ata,
        atb,
        row,
      );
      p.set(x.subarray(0, k), u * k);
      bu[u] = x[k]!;
    }
    for (let i = 0; i < ni; i++) {
      const s = data.itemPtr[i]!;
      const n = data.itemPtr[i + 1]! - s;
      if (n === 0) continue;
      const x = solveRow(
        k,
        n,
        (t, out) => out.set(p.subarray(data.itemUsers[s + t]! * k, data.itemUsers[s + t]! * k + k)),
        (t) => data.itemRatings[s + t]! - mu - bu[data.itemUsers[s + t]!]!,
        config.reg,
        config.biasReg,
        ata,
        atb,
        row,
      );
      q.set(x.subarray(0, k), i * k);
      bi[i] = x[k]!;
    }
  }
  return {
    factors: k,
    mean: mu,
    itemBias: Float32Array.from(bi),
    itemFactors: Float32Array.from(q),
    reg: config.reg,
    biasReg: config.biasReg,
  };
}

/** A user's factors and bias from their ratings (item indices and stars): one ALS user step. */
export function foldInMfUser(
  state: MfState,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
): { factors: Float64Array; bias: number } {
  const k = state.factors;
  if (items.length === 0) return { factors: new Float64Array(k), bias: 0 };
  const d = k + 1;
  const x = solveRow(
    k,
    items.length,
    (t, out) => {
      for (let f = 0; f < k; f++) out[f] = state.itemFactors[items[t]! * k + f]!;
    },
    (t) => ratings[t]! - state.mean - state.itemBias[items[t]!]!,
    state.reg,
    state.biasReg,
    new Float64Array(d * d),
    new Float64Array(d),
    new Float64Array(d),
  );
  return { factors: x.subarray(0, k), bias: x[k]! };
}

/** μ + b_u + b_i + p_u·q_i (unclipped). */
export function predictMf(state: MfState, user: { factors: Float64Array; bias: number }, i: number): number {
  const k = state.factors;
  let dot = 0;
  for (let f = 0; f < k; f++) dot += user.factors[f]! * state.itemFactors[i * k + f]!;
  return state.mean + user.bias + state.itemBias[i]! + dot;
}
