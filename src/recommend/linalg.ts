import { CholeskyDecomposition, inverse, Matrix } from 'ml-matrix';

/**
 * Inverse of a symmetric positive-definite n×n matrix (row-major), by Cholesky: A = L Lᵀ,
 * A⁻¹ = L⁻ᵀ L⁻¹. Hand-written on Float64Array because every inner loop is a contiguous dot product
 * over row prefixes; on the EASE Gram matrices (n ≈ 2,000) it is several times faster than
 * ml-matrix's `inverse` (see {@link inverseSpdReference} and the agreement test).
 * Throws when the matrix is not positive definite.
 */
export function inverseSpd(a: Float64Array, n: number): Float64Array {
  return inverseSpdInPlace(a.slice(), n);
}

/**
 * {@link inverseSpd} that overwrites `a` with the inverse and returns it, with no n×n scratch: the same
 * arithmetic in the same order (bit-identical results), so EASE's training peaks 96 MB lower at
 * n = 2,000 than with three scratch matrices. `a` must not be read by anyone else meanwhile.
 *
 * Storage: after Cholesky, L fills the lower triangle. M = L⁻¹ (lower) is written transposed into the
 * strict upper triangle (row j of Mᵀ holds column j of M, so the products below read rows), its
 * diagonal into an n-vector. A⁻¹ = Mᵀ M is then written into the lower triangle, which L no longer
 * needs, and mirrored into the upper one last.
 */
export function inverseSpdInPlace(a: Float64Array, n: number): Float64Array {
  choleskyInPlace(a, n);
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Solve L x = e_j (x[i] = 0 for i < j) into row j of the upper triangle: x[i] at a[j][i], i > j.
    const rj = j * n;
    diag[j] = 1 / a[rj + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      s -= a[ri + j]! * diag[j]!;
      for (let k = j + 1; k < i; k++) s -= a[ri + k]! * a[rj + k]!;
      a[rj + i] = s / a[ri + i]!;
    }
  }
  // A⁻¹[i][j] = Σ_{k ≥ max(i,j)} Mᵀ[i][k] Mᵀ[j][k] for j ≥ i, written to a[j][i] (lower triangle).
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      const rj = j * n;
      let s = 0;
      if (j === i) s += diag[i]! * diag[i]!;
      else s += a[ri + j]! * diag[j]!;
      for (let k = j + 1; k < n; k++) s += a[ri + k]! * a[rj + k]!;
      a[rj + i] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i]!;
  return a;
}

/** Overwrites the lower triangle of SPD `a` (row-major n×n) with L, A = L Lᵀ; throws if not SPD. */
function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${i})`);
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j]!;
      }
    }
  }
}

/** The same inverse through ml-matrix, kept as the reference the fast version is tested against. */
export function inverseSpdReference(a: Float64Array, n: number): Float64Array {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]!);
  const inv = inverse(m);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = inv.get(i, j);
  return out;
}

/**
 * Solves A x = b in place for a small symmetric positive-definite A (row-major n×n, only the lower
 * triangle is read and it is overwritten by the Cholesky factor L); `b` becomes x. The ALS row solve
 * (n = factors + 1 ≈ 21) runs this hundreds of thousands of times per sweep, so it allocates nothing.
 * {@link solveSpdReference} is the ml-matrix version it is tested against.
 * Throws when A is not positive definite.
 */
export function solveSpdInPlace(a: Float64Array, b: Float64Array, n: number): void {
  choleskyInPlace(a, n);
  // L y = b, then Lᵀ x = y.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[ri + k]! * b[k]!;
    b[i] = s / a[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
}

/** The same solve through ml-matrix's Cholesky decomposition (reads the lower triangle of `a`). */
export function solveSpdReference(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      m.set(i, j, a[i * n + j]!);
      m.set(j, i, a[i * n + j]!);
    }
  }
  const x = new CholeskyDecomposition(m).solve(Matrix.columnVector(Array.from(b)));
  return Float64Array.from(x.getColumn(0));
}
