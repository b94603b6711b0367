/**
 * The catalog's title data in the compact form an import worker matches against: typed arrays over
 * SharedArrayBuffers, built once per catalog version (catalog view) and shared with the workers, not
 * copied, with every task. A worker builds its lookups from it once per version and keeps them.
 */
import { createTitleIndex } from '../../nlp/title-index.ts';
import type { TitleEntry } from '../../nlp/types.ts';
import type { CatalogView } from '../catalog-view.ts';
import { lookupMaps, type MatchCatalog } from './match.ts';

/** A catalog's title data; `version` changes whenever the catalog view does. */
export interface CompactCatalog {
  version: number;
  ids: Int32Array;
  /** {@link NO_YEAR} where the year is unknown. */
  years: Int32Array;
  /** Ties between equal title matches go to the better-known movie, as in the bot's title index. */
  popularity: Float64Array;
  /** UTF-8 titles end to end; movie i's is `titleBytes[titleEnds[i-1]..titleEnds[i]]`. */
  titleBytes: Uint8Array;
  titleEnds: Int32Array;
  /** IMDb ids the same way (empty when none). */
  imdbBytes: Uint8Array;
  imdbEnds: Int32Array;
}

export const NO_YEAR = -2_147_483_648;

let nextVersion = 1;
const compacted = new WeakMap<CatalogView, CompactCatalog>();

function shared<T extends Int32Array | Float64Array | Uint8Array>(
  Kind: { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Kind(new SharedArrayBuffer(Math.max(1, length) * Kind.BYTES_PER_ELEMENT), 0, length);
}

function packStrings(values: readonly string[]): { bytes: Uint8Array; ends: Int32Array } {
  const encoded = values.map((v) => Buffer.from(v, 'utf8'));
  const ends = shared(Int32Array, values.length);
  const bytes = shared(
    Uint8Array,
    encoded.reduce((n, b) => n + b.length, 0),
  );
  let at = 0;
  encoded.forEach((b, i) => {
    bytes.set(b, at);
    at += b.length;
    ends[i] = at;
  });
  return { bytes, ends };
}

/** The compact title data of a catalog view (built on first use, then the same object). */
export function compactCatalogOf(view: CatalogView): CompactCatalog {
  let data = compacted.get(view);
  if (!data) {
    const list = view.catalog.list;
    const ids = shared(Int32Array, list.length);
    const years = shared(Int32Array, list.length);
    const popularity = shared(Float64Array, list.length);
    list.forEach((m, i) => {
      ids[i] = m.id;
      years[i] = m.year ?? NO_YEAR;
      // As createCatalogView ranks its title index (src/catalog/popularity.ts).
      popularity[i] = m.popularity;
    });
    const titles = packStrings(list.map((m) => m.title));
    const imdb = packStrings(list.map((m) => m.imdbId ?? ''));
    data = {
      version: nextVersion++,
      ids,
      years,
      popularity,
      titleBytes: titles.bytes,
      titleEnds: titles.ends,
      imdbBytes: imdb.bytes,
      imdbEnds: imdb.ends,
    };
    compacted.set(view, data);
  }
  return data;
}

function unpackStrings(bytes: Uint8Array, ends: Int32Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let start = 0;
  for (const end of ends) {
    out.push(buffer.toString('utf8', start, end));
    start = end;
  }
  return out;
}

/**
 * The match lookups over compact title data: the same whole-title and IMDb maps as the bot's, and a
 * title index built the way the bot builds its own (so `exact` finds and orders the same movies).
 */
export function matchCatalogOfCompact(data: CompactCatalog): MatchCatalog {
  const titles = unpackStrings(data.titleBytes, data.titleEnds);
  const imdbIds = unpackStrings(data.imdbBytes, data.imdbEnds);
  const entries: TitleEntry[] = titles.map((title, i) => ({
    id: data.ids[i]!,
    title,
    year: data.years[i] === NO_YEAR ? null : data.years[i]!,
    popularity: data.popularity[i]!,
  }));
  const { byTitle, byImdb } = lookupMaps(
    entries.map((e, i) => ({ id: e.id, year: e.year, title: e.title, imdbId: imdbIds[i] || null })),
  );
  const index = createTitleIndex(entries);
  return {
    byImdb: (key) => byImdb.get(key),
    byWholeTitle: (title) => byTitle.get(title) ?? [],
    exact: (title) => index.exact(title).map((m) => ({ id: m.entry.id, year: m.entry.year })),
  };
}
