/**
 * Catalog-length arrays handed out zeroed and taken back for reuse. A user's component scores live as
 * long as the user's binding (several lists of one request), so they cannot share one scratch array
 * per list; returning them when the binding is released keeps a `/recommend` from allocating a
 * dozen fresh 240 KB arrays at 30,000 films, which V8 counts as external memory and answers with a
 * full collection every few requests (the p99).
 */
export class ArrayPool {
  private readonly free: Float64Array[] = [];

  /** `keep`: at most this many idle arrays are held (the rest are left to the collector). */
  constructor(
    readonly length: number,
    private readonly keep = 32,
  ) {}

  /** A zeroed array of {@link length}. */
  take(): Float64Array {
    const a = this.free.pop();
    if (!a) return new Float64Array(this.length);
    a.fill(0);
    return a;
  }

  /** Takes back arrays from {@link take} that nothing reads any more. */
  give(arrays: Iterable<Float64Array>): void {
    for (const a of arrays) {
      if (a.length !== this.length || this.free.length >= this.keep || this.free.includes(a)) continue;
      this.free.push(a);
    }
  }

  /** Idle arrays held (for tests). */
  get idle(): number {
    return this.free.length;
  }
}
