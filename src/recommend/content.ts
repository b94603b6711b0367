import type { PreparedData } from './prepare.ts';
import { decadeLabel, personKey, stemWords } from './text.ts';
import type { ItemMeta } from './types.ts';

/** Relative weight of each kind of content feature before TF-IDF. */
export interface ContentConfig {
  genre: number;
  decade: number;
  director: number;
  cast: number;
  /** Screenwriters: a person feature like directors and cast (the same key when one person is both). */
  writer: number;
  tag: number;
  overview: number;
  /** Leading cast members used (the rest add noise). */
  maxCast: number;
  /** Credited writers used (IMDb lists up to dozens for some films). */
  maxWriters: number;
}

export const DEFAULT_CONTENT_CONFIG: ContentConfig = {
  genre: 1,
  decade: 0.6,
  director: 1,
  cast: 0.6,
  writer: 0.6,
  tag: 0.8,
  overview: 0.3,
  maxCast: 4,
  maxWriters: 3,
};

/**
 * TF-IDF item vectors over genres, decade, people (directors, cast, writers), tag and overview stems, L2-normalised, stored as
 * compressed sparse rows (item → features) plus the inverted index (feature → items) for fast
 * profile scoring. Feature keys are prefixed: `g:`, `d:`, `p:`, `t:`, `w:`.
 */
export interface ContentState {
  features: string[];
  /** Display label per feature ("Sci-Fi", "1990s", "Ridley Scott", "dystopia"). */
  labels: string[];
  rowPtr: Int32Array;
  rowIdx: Int32Array;
  rowVal: Float32Array;
  colPtr: Int32Array;
  colIdx: Int32Array;
  colVal: Float32Array;
}

/** Builds the content model from item metadata (ratings are not used). */
export function trainContent(data: PreparedData, config = DEFAULT_CONTENT_CONFIG): ContentState {
  const featureIndex = new Map<string, number>();
  const features: string[] = [];
  const labels: string[] = [];
  const docFreq: number[] = [];
  const raw: Map<number, number>[] = [];
  for (const item of data.items) {
    const bag = new Map<number, number>();
    for (const [key, label, weight] of itemFeatures(item, config)) {
      let f = featureIndex.get(key);
      if (f === undefined) {
        f = features.length;
        featureIndex.set(key, f);
        features.push(key);
        labels.push(label);
        docFreq.push(0);
      }
      const prev = bag.get(f);
      if (prev === undefined) docFreq[f]!++;
      // Repeated words (tags, overview) count with diminishing returns.
      bag.set(f, prev === undefined ? weight : prev + weight * 0.5);
    }
    raw.push(bag);
  }
  const n = Math.max(1, data.items.length);
  const rowPtr = new Int32Array(data.items.length + 1);
  for (let i = 0; i < raw.length; i++) rowPtr[i + 1] = rowPtr[i]! + raw[i]!.size;
  const nnz = rowPtr[raw.length]!;
  const rowIdx = new Int32Array(nnz);
  const rowVal = new Float32Array(nnz);
  const colCount = new Int32Array(features.length + 1);
  for (let i = 0; i < raw.length; i++) {
    const entries = [...raw[i]!.entries()].sort((a, b) => a[0] - b[0]);
    let norm = 0;
    const vals = entries.map(([f, tf]) => {
      const v = tf * Math.log(1 + n / docFreq[f]!);
      norm += v * v;
      return v;
    });
    norm = Math.sqrt(norm) || 1;
    let at = rowPtr[i]!;
    for (let k = 0; k < entries.length; k++) {
      rowIdx[at] = entries[k]![0];
      rowVal[at] = vals[k]! / norm;
      colCount[entries[k]![0] + 1]!++;
      at++;
    }
  }
  const colPtr = new Int32Array(features.length + 1);
  for (let f = 0; f < features.length; f++) colPtr[f + 1] = colPtr[f]! + colCount[f + 1]!;
  const colIdx = new Int32Array(nnz);
  const colVal = new Float32Array(nnz);
  const fill = colPtr.slice(0, features.length);
  for (let i = 0; i < raw.length; i++) {
    for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
      const at = fill[rowIdx[k]!]!++;
      colIdx[at] = i;
      colVal[at] = rowVal[k]!;
    }
  }
  return { features, labels, rowPtr, rowIdx, rowVal, colPtr, colIdx, colVal };
}

function* itemFeatures(item: ItemMeta, c: ContentConfig): Generator<[string, string, number]> {
  for (const g of item.genres) {
    if (g && g !== '(no genres listed)') yield [`g:${g}`, g, c.genre];
  }
  if (item.year != null && Number.isFinite(item.year)) {
    const label = decadeLabel(item.year);
    yield [`d:${label}`, label, c.decade];
  }
  for (const d of item.directors) if (d.trim()) yield [`p:${personKey(d)}`, d.trim(), c.director];
  for (const a of item.cast.slice(0, c.maxCast)) if (a.trim()) yield [`p:${personKey(a)}`, a.trim(), c.cast];
  for (const w of (item.writers ?? []).slice(0, c.maxWriters))
    if (w.trim()) yield [`p:${personKey(w)}`, w.trim(), c.writer];
  for (const tag of item.tags) {
    for (const stem of stemWords(tag)) yield [`t:${stem}`, tag.trim().toLowerCase(), c.tag];
  }
  if (item.overview) for (const stem of stemWords(item.overview)) yield [`w:${stem}`, stem, c.overview];
}

/** A user's content profile: a sparse weighted sum of item vectors. */
export type ContentProfile = Map<number, number>;

/** Adds `weight ×` item `i`'s vector to `profile`. */
export function addToProfile(state: ContentState, profile: ContentProfile, i: number, weight: number): void {
  for (let k = state.rowPtr[i]!; k < state.rowPtr[i + 1]!; k++) {
    const f = state.rowIdx[k]!;
    profile.set(f, (profile.get(f) ?? 0) + weight * state.rowVal[k]!);
  }
}

/** Cosine of `profile` with every item, added into `out` times `scale`. */
export function scoreProfile(
  state: ContentState,
  profile: ContentProfile,
  out: Float64Array,
  scale = 1,
): void {
  let norm = 0;
  for (const v of profile.values()) norm += v * v;
  if (norm === 0) return;
  const s = scale / Math.sqrt(norm);
  for (const [f, w] of profile) {
    const ws = w * s;
    for (let k = state.colPtr[f]!; k < state.colPtr[f + 1]!; k++)
      out[state.colIdx[k]!]! += ws * state.colVal[k]!;
  }
}

/** Cosine similarity of two items' content vectors. */
export function itemCosine(state: ContentState, a: number, b: number): number {
  let ka = state.rowPtr[a]!;
  let kb = state.rowPtr[b]!;
  const ea = state.rowPtr[a + 1]!;
  const eb = state.rowPtr[b + 1]!;
  let dot = 0;
  while (ka < ea && kb < eb) {
    const fa = state.rowIdx[ka]!;
    const fb = state.rowIdx[kb]!;
    if (fa === fb) dot += state.rowVal[ka++]! * state.rowVal[kb++]!;
    else if (fa < fb) ka++;
    else kb++;
  }
  return dot;
}

/** The features item `i` shares with `profile`, strongest first, as display labels. */
export function sharedFeatures(
  state: ContentState,
  profile: ContentProfile,
  i: number,
  max: number,
): string[] {
  const hits: [number, number][] = [];
  for (let k = state.rowPtr[i]!; k < state.rowPtr[i + 1]!; k++) {
    const f = state.rowIdx[k]!;
    const w = profile.get(f);
    if (w !== undefined && w > 0) hits.push([f, w * state.rowVal[k]!]);
  }
  hits.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const out: string[] = [];
  for (const [f] of hits) {
    const label = state.labels[f]!;
    if (!out.includes(label)) out.push(label);
    if (out.length >= max) break;
  }
  return out;
}
