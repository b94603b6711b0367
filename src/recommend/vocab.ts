/**
 * Maps external ids (catalog movie ids, user ids) to dense indices 0..n-1 and back, so models can
 * keep their parameters in typed arrays.
 */
export class Vocabulary {
  readonly ids: Int32Array;
  private readonly index: Map<number, number>;

  constructor(ids: ArrayLike<number>) {
    this.ids = Int32Array.from(ids as ArrayLike<number>);
    this.index = new Map();
    for (let i = 0; i < this.ids.length; i++) this.index.set(this.ids[i]!, i);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Dense index of an external id, or -1 when unknown. */
  indexOf(id: number): number {
    return this.index.get(id) ?? -1;
  }

  idAt(index: number): number {
    return this.ids[index]!;
  }
}
