import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inverseSpd,
  inverseSpdInPlace,
  inverseSpdReference,
  solveSpdInPlace,
  solveSpdReference,
} from '../../src/recommend/linalg.ts';

/** A random symmetric positive-definite matrix XᵀX + λI. */
function spd(n: number, values: number[], lambda: number): Float64Array {
  const a = new Float64Array(n * n);
  const rows = Math.max(1, Math.floor(values.length / n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += (values[r * n + i] ?? 0) * (values[r * n + j] ?? 0);
      a[i * n + j] = s + (i === j ? lambda : 0);
    }
  }
  return a;
}

/** Random SPD systems of size 1–25 (the arbitrary every property here draws from). */
const spdMatrix = fc
  .tuple(
    fc.integer({ min: 1, max: 25 }),
    fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 25, maxLength: 400 }),
    fc.double({ min: 0.1, max: 50, noNaN: true }),
  )
  .map(([n, values, lambda]) => ({ n, values, a: spd(n, values, lambda) }));

describe('inverseSpd', () => {
  it('in place gives the same inverse to the bit, in the input array; inverseSpd leaves its input alone', () => {
    fc.assert(
      fc.property(spdMatrix, ({ n, a: generated }) => {
        const a = generated.slice(); // overwritten below; generated values stay as fast-check made them
        const original = a.slice();
        const copy = inverseSpd(a, n);
        expect(a).toEqual(original);
        const inPlace = inverseSpdInPlace(a, n);
        expect(inPlace).toBe(a);
        expect(Array.from(inPlace)).toEqual(Array.from(copy));
      }),
      { numRuns: 50 },
    );
  });

  it('agrees with the ml-matrix reference implementation', () => {
    fc.assert(
      fc.property(spdMatrix, ({ n, a }) => {
        const fast = inverseSpd(a, n);
        const ref = inverseSpdReference(a, n);
        for (let k = 0; k < n * n; k++) expect(fast[k]).toBeCloseTo(ref[k]!, 8);
      }),
      { numRuns: 50 },
    );
  });

  it('returns the inverse: A · A⁻¹ = I', () => {
    const n = 12;
    const a = spd(
      n,
      Array.from({ length: 200 }, (_, k) => Math.sin(k)),
      1,
    );
    const inv = inverseSpd(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => inverseSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('solveSpdInPlace', () => {
  it('agrees with the ml-matrix Cholesky solve', () => {
    fc.assert(
      fc.property(spdMatrix, ({ n, values, a }) => {
        const b = Float64Array.from({ length: n }, (_, i) => values[i] ?? 1);
        const ref = solveSpdReference(a, b, n);
        const x = b.slice();
        solveSpdInPlace(a.slice(), x, n);
        for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(ref[i]!, 9);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => solveSpdInPlace(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2)).toThrow(
      /positive definite/,
    );
  });
});
