/**
 * Indices of the `k` largest values, best first; ties go to the smaller index (deterministic).
 * `include(i)` restricts the candidates. Uses a bounded min-heap: O(n log k).
 */
export function topK(
  values: ArrayLike<number>,
  k: number,
  include?: (i: number) => boolean,
  indices?: ArrayLike<number>,
  count = indices ? indices.length : values.length,
): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  // `worse(a, b)`: a ranks below b.
  const worse = (a: number, b: number) => values[a]! < values[b]! || (values[a] === values[b] && a > b);
  for (let t = 0; t < count; t++) {
    const i = indices ? indices[t]! : t;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (heap.length === k && !worse(heap[0]!, i)) continue;
    if (include && !include(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      siftUp(heap, heap.length - 1, worse);
    } else {
      heap[0] = i;
      siftDown(heap, 0, worse);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

function siftUp(h: number[], at: number, worse: (a: number, b: number) => boolean): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!worse(h[at]!, h[parent]!)) break;
    [h[at], h[parent]] = [h[parent]!, h[at]!];
    at = parent;
  }
}

function siftDown(h: number[], at: number, worse: (a: number, b: number) => boolean): void {
  for (;;) {
    const l = 2 * at + 1;
    const r = l + 1;
    let m = at;
    if (l < h.length && worse(h[l]!, h[m]!)) m = l;
    if (r < h.length && worse(h[r]!, h[m]!)) m = r;
    if (m === at) return;
    [h[at], h[m]] = [h[m]!, h[at]!];
    at = m;
  }
}
