import { mulberry32 } from '../random.ts';
import { solveSpdInPlace } from './linalg.ts';
import type { PreparedData } from './prepare.ts';

export interface MfConfig {
  factors: number;
  /** L2 penalty on factors (constant per row: rows with few ratings stay near zero). */
  reg: number;
  /** L2 penalty on biases (constant). */
  biasReg: number;
  iterations: number;
  seed: number;
  /**
   * A user or item row with more ratings is solved on an evenly spaced sample of this many (bounds
   * ALS at scale; ml-latest-small's largest row has 2,698 ratings, so 3,000 leaves it exact).
   */
  maxRatingsPerRow: number;
}

export const DEFAULT_MF_CONFIG: MfConfig = {
  factors: 20,
  reg: 15,
  biasReg: 5,
  iterations: 8,
  seed: 7,
  maxRatingsPerRow: 3000,
};

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
  /** Fold-in samples a history longer than this, as training did (absent in older models: exact). */
  maxRatingsPerRow?: number;
}

/** Scratch buffers for {@link solveAlsRows} (one set per thread). */
export interface AlsScratch {
  ata: Float64Array;
  atb: Float64Array;
  /** The row's design matrix transposed, (k + 1) × ratings, and its targets; grown on demand. */
  at: Float64Array;
  y: Float64Array;
}

export function alsScratch(k: number): AlsScratch {
  return {
    ata: new Float64Array((k + 1) * (k + 1)),
    atb: new Float64Array(k + 1),
    at: new Float64Array((k + 1) * 256),
    y: new Float64Array(256),
  };
}

/**
 * One half of an ALS sweep over rows `from..to` of a CSR matrix: for row r, minimise
 * Σ_t (y_t − [f_{idx_t}, 1]·x)² + reg·|x_f|² + biasReg·x_b², with y_t = rating − mean − fixedBias[idx_t]
 * and f the fixed side's factors; writes x into `outFactors[r·k..]` and `outBias[r]`. Rows are
 * independent, so the range can be split across threads with identical results. A row with more
 * than `maxPerRow` ratings is fitted on an evenly spaced sample of that many, its data term scaled
 * by count / sample (so the regularisation keeps its relative weight).
 * Specialised loops over typed arrays (no per-rating closures or subarrays); the solve is an
 * allocation-free Cholesky ({@link solveSpdInPlace}).
 */
export function solveAlsRows(
  k: number,
  ptr: Int32Array,
  idx: Int32Array,
  ratings: Float32Array,
  fixedFactors: Float64Array,
  fixedBias: Float64Array,
  mean: number,
  reg: number,
  biasReg: number,
  outFactors: Float64Array,
  outBias: Float64Array,
  from: number,
  to: number,
  scratch: AlsScratch,
  maxPerRow = Number.POSITIVE_INFINITY,
): void {
  const d = k + 1;
  const { ata, atb } = scratch;
  for (let r = from; r < to; r++) {
    const s = ptr[r]!;
    const count = ptr[r + 1]! - s;
    if (count === 0) continue;
    const used = Math.min(count, maxPerRow);
    if (scratch.y.length < used) {
      scratch.at = new Float64Array(d * used);
      scratch.y = new Float64Array(used);
    }
    const { at, y } = scratch;
    // Gather the design matrix transposed: row f holds feature f of every rating (bias: 1).
    for (let u = 0; u < used; u++) {
      const t = used === count ? s + u : s + Math.floor((u * count) / used);
      const j = idx[t]!;
      const off = j * k;
      y[u] = ratings[t]! - mean - fixedBias[j]!;
      for (let f = 0; f < k; f++) at[f * used + u] = fixedFactors[off + f]!;
      at[k * used + u] = 1;
    }
    for (let a = 0; a < d; a++) {
      const oa = a * used;
      let sum = 0;
      for (let u = 0; u < used; u++) sum += at[oa + u]! * y[u]!;
      atb[a] = sum;
    }
    // AᵀA's lower triangle in 2×2 blocks of dot products (four accumulators in registers: about
    // twice as fast as rank-1 updates of the matrix, and the same sums in the same order).
    for (let a = 0; a < d; a += 2) {
      const a1 = Math.min(a + 1, d - 1);
      const oa = a * used;
      const oa1 = a1 * used;
      for (let b = 0; b <= a1; b += 2) {
        const b1 = Math.min(b + 1, d - 1);
        const ob = b * used;
        const ob1 = b1 * used;
        let x00 = 0;
        let x01 = 0;
        let x10 = 0;
        let x11 = 0;
        for (let u = 0; u < used; u++) {
          const va = at[oa + u]!;
          const va1 = at[oa1 + u]!;
          const vb = at[ob + u]!;
          const vb1 = at[ob1 + u]!;
          x00 += va * vb;
          x01 += va * vb1;
          x10 += va1 * vb;
          x11 += va1 * vb1;
        }
        ata[a * d + b] = x00;
        ata[a * d + b1] = x01;
        ata[a1 * d + b] = x10;
        ata[a1 * d + b1] = x11;
      }
    }
    if (used < count) {
      // A sample stands for the whole row: scale its data term back up.
      const w = count / used;
      for (let a = 0; a < d; a++) {
        atb[a]! *= w;
        for (let b = 0; b <= a; b++) ata[a * d + b]! *= w;
      }
    }
    for (let a = 0; a < k; a++) ata[a * d + a]! += reg;
    ata[k * d + k]! += biasReg;
    solveSpdInPlace(ata, atb, d);
    outFactors.set(atb.subarray(0, k), r * k);
    outBias[r] = atb[k]!;
  }
}

/** Random initial factors (users then items, as the serial trainer draws them). */
export function initialMfFactors(
  config: MfConfig,
  users: number,
  items: number,
): { p: Float64Array; q: Float64Array } {
  const rnd = mulberry32(config.seed);
  const p = new Float64Array(users * config.factors).map(() => (rnd() - 0.5) * 0.1);
  const q = new Float64Array(items * config.factors).map(() => (rnd() - 0.5) * 0.1);
  return { p, q };
}

export function packMf(config: MfConfig, mean: number, q: Float64Array, bi: Float64Array): MfState {
  return {
    factors: config.factors,
    mean,
    itemBias: Float32Array.from(bi),
    itemFactors: Float32Array.from(q),
    reg: config.reg,
    biasReg: config.biasReg,
    maxRatingsPerRow: config.maxRatingsPerRow,
  };
}

/** Trains biased MF by ALS; deterministic for a given seed. */
export function trainMf(data: PreparedData, config = DEFAULT_MF_CONFIG): MfState {
  const k = config.factors;
  const nu = data.userVocab.size;
  const ni = data.items.length;
  const mu = data.globalMean;
  const { p, q } = initialMfFactors(config, nu, ni);
  const bu = new Float64Array(nu);
  const bi = new Float64Array(ni);
  const scratch = alsScratch(k);
  const { reg, biasReg } = config;
  const cap = config.maxRatingsPerRow;
  for (let it = 0; it < config.iterations; it++) {
    solveAlsRows(
      k,
      data.userPtr,
      data.userItems,
      data.userRatings,
      q,
      bi,
      mu,
      reg,
      biasReg,
      p,
      bu,
      0,
      nu,
      scratch,
      cap,
    );
    solveAlsRows(
      k,
      data.itemPtr,
      data.itemUsers,
      data.itemRatings,
      p,
      bu,
      mu,
      reg,
      biasReg,
      q,
      bi,
      0,
      ni,
      scratch,
      cap,
    );
  }
  return packMf(config, mu, q, bi);
}

/** A user's factors and bias from their ratings (item indices and stars): one ALS user step. */
export function foldInMfUser(
  state: MfState,
  items: ArrayLike<number>,
  ratings: ArrayLike<number>,
): { factors: Float64Array; bias: number } {
  const k = state.factors;
  if (items.length === 0) return { factors: new Float64Array(k), bias: 0 };
  // Gather the rated items' factors compactly (a request must not copy the whole catalog's).
  const n = items.length;
  const ptr = Int32Array.of(0, n);
  const idx = new Int32Array(n);
  const stars = new Float32Array(n);
  const factors = new Float64Array(n * k);
  const bias = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const i = items[t]!;
    idx[t] = t;
    stars[t] = ratings[t]!;
    bias[t] = state.itemBias[i]!;
    for (let f = 0; f < k; f++) factors[t * k + f] = state.itemFactors[i * k + f]!;
  }
  const outF = new Float64Array(k);
  const outB = new Float64Array(1);
  solveAlsRows(
    k,
    ptr,
    idx,
    stars,
    factors,
    bias,
    state.mean,
    state.reg,
    state.biasReg,
    outF,
    outB,
    0,
    1,
    alsScratch(k),
    state.maxRatingsPerRow,
  );
  const x = new Float64Array(k + 1);
  x.set(outF);
  x[k] = outB[0]!;
  return { factors: x.subarray(0, k), bias: x[k]! };
}

/** μ + b_u + b_i + p_u·q_i (unclipped). */
export function predictMf(state: MfState, user: { factors: Float64Array; bias: number }, i: number): number {
  const k = state.factors;
  let dot = 0;
  for (let f = 0; f < k; f++) dot += user.factors[f]! * state.itemFactors[i * k + f]!;
  return state.mean + user.bias + state.itemBias[i]! + dot;
}
