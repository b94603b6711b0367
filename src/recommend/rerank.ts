/**
 * Maximal marginal relevance: greedily picks the candidate with the best
 * `(1 - diversity) · relevance - diversity · max similarity to what is already picked`.
 * `relevance` should be on a 0–1 scale. Ties go to the earlier candidate (deterministic).
 */
export function mmrRerank(
  candidates: readonly number[],
  relevance: readonly number[],
  similarity: (a: number, b: number) => number,
  n: number,
  diversity: number,
): number[] {
  if (diversity <= 0 || candidates.length <= 1) return candidates.slice(0, n);
  const lambda = 1 - Math.min(1, diversity);
  const picked: number[] = [];
  const maxSim = new Float64Array(candidates.length);
  const used = new Uint8Array(candidates.length);
  while (picked.length < n && picked.length < candidates.length) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < candidates.length; c++) {
      if (used[c]) continue;
      const value = lambda * relevance[c]! - (1 - lambda) * maxSim[c]!;
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    used[best] = 1;
    const item = candidates[best]!;
    picked.push(item);
    for (let c = 0; c < candidates.length; c++) {
      if (!used[c]) maxSim[c] = Math.max(maxSim[c]!, similarity(item, candidates[c]!));
    }
  }
  return picked;
}
