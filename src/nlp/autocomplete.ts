import type { TitleEntry, TitleMatch } from './types.ts';

/** Prefixes matching more title positions than this are answered once and then cached. */
const SCAN_LIMIT = 300;
/** Cached answers hold this many matches, the most any platform shows (Discord: 25 choices). */
const CACHED_MATCHES = 25;
/** Bound on cached prefixes; the cache starts over when full. */
const MAX_CACHED_PREFIXES = 20_000;
/** A match at the start of a title ranks above one at a later word ("matrix" vs "Animatrix"-style hits). */
const SCORE_EXACT = 1;
const SCORE_TITLE_START = 0.9;
const SCORE_WORD_START = 0.7;

/** Prefix completion over normalised title keys. */
export interface Autocomplete {
  /** Titles whose normalised key, or one of its later words, starts with `prefix` (already normalised). */
  complete(prefix: string, limit: number): TitleMatch[];
}

interface Position {
  /** The key from a word boundary to its end. */
  text: string;
  entry: number;
  /** Word offset in the key: 0 = start of the title. */
  word: number;
  /** Length of the whole key, to recognise a complete match. */
  keyLength: number;
}

/**
 * Sorts every word-start suffix of every title key once, so a prefix is a binary search plus a short scan
 * (or a cache hit for one- and two-letter prefixes that match thousands of titles).
 */
export function createAutocomplete(
  entries: readonly TitleEntry[],
  keys: readonly { entry: number; text: string }[],
): Autocomplete {
  const positions: Position[] = [];
  for (const key of keys) {
    let word = 0;
    for (let at = 0; at < key.text.length; at++) {
      if (at === 0 || key.text[at - 1] === ' ') {
        positions.push({ text: key.text.slice(at), entry: key.entry, word, keyLength: key.text.length });
        word++;
      }
    }
  }
  positions.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const cache = new Map<string, TitleMatch[]>();

  function lowerBound(target: string): number {
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (positions[mid]!.text < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function collect(prefix: string, from: number, to: number, limit: number): TitleMatch[] {
    const best = new Map<number, number>();
    for (let i = from; i < to; i++) {
      const p = positions[i]!;
      const score =
        p.word === 0 ? (p.keyLength === prefix.length ? SCORE_EXACT : SCORE_TITLE_START) : SCORE_WORD_START;
      if ((best.get(p.entry) ?? 0) < score) best.set(p.entry, score);
    }
    return [...best]
      .map(([entry, score]) => ({ entry: entries[entry]!, score }))
      .sort((a, b) => b.score - a.score || b.entry.popularity - a.entry.popularity || a.entry.id - b.entry.id)
      .slice(0, limit);
  }

  return {
    complete(prefix, limit) {
      if (prefix === '' || limit <= 0) return [];
      const from = lowerBound(prefix);
      const to = lowerBound(`${prefix}\uffff`);
      if (to - from <= SCAN_LIMIT || limit > CACHED_MATCHES) return collect(prefix, from, to, limit);
      let cached = cache.get(prefix);
      if (!cached) {
        if (cache.size >= MAX_CACHED_PREFIXES) cache.clear();
        cached = collect(prefix, from, to, CACHED_MATCHES);
        cache.set(prefix, cached);
      }
      return cached.slice(0, limit).map((m) => ({ ...m }));
    },
  };
}
