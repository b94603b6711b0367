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

/**
 * Sorts every word-start suffix of every title key once, so a prefix is a binary search plus a short scan
 * (or a cache hit for one- and two-letter prefixes that match thousands of titles). A suffix is a
 * (key, offset) pair in typed arrays and is compared in place: an object and a string per suffix cost
 * ~10 MB of heap at 30,000 films.
 */
export function createAutocomplete(
  entries: readonly TitleEntry[],
  keys: { readonly texts: readonly string[]; readonly entries: Int32Array },
): Autocomplete {
  const order: number[] = [];
  const keyOf: number[] = [];
  const offsetOf: number[] = [];
  const wordOf: number[] = [];
  keys.texts.forEach((text, k) => {
    let word = 0;
    for (let at = 0; at < text.length; at++) {
      if (at === 0 || text[at - 1] === ' ') {
        order.push(order.length);
        keyOf.push(k);
        offsetOf.push(at);
        wordOf.push(word++);
      }
    }
  });
  /** Suffix `p` against suffix `q`, as JavaScript compares the two strings (UTF-16 code units). */
  const compareSuffixes = (p: number, q: number): number => {
    const a = keys.texts[keyOf[p]!]!;
    const b = keys.texts[keyOf[q]!]!;
    let i = offsetOf[p]!;
    let j = offsetOf[q]!;
    for (; i < a.length && j < b.length; i++, j++) {
      const d = a.charCodeAt(i) - b.charCodeAt(j);
      if (d !== 0) return d;
    }
    return a.length - i - (b.length - j);
  };
  // Stable, as the sort of the suffix strings was: equal suffixes keep title order.
  order.sort(compareSuffixes);
  const positionKey = Int32Array.from(order, (p) => keyOf[p]!);
  const positionOffset = Int32Array.from(order, (p) => offsetOf[p]!);
  const positionWord = Int32Array.from(order, (p) => wordOf[p]!);
  const cache = new Map<string, TitleMatch[]>();

  /** Suffix at sorted position `at` against `target`. */
  function compareTo(at: number, target: string): number {
    const a = keys.texts[positionKey[at]!]!;
    let i = positionOffset[at]!;
    let j = 0;
    for (; i < a.length && j < target.length; i++, j++) {
      const d = a.charCodeAt(i) - target.charCodeAt(j);
      if (d !== 0) return d;
    }
    return a.length - i - (target.length - j);
  }

  function lowerBound(target: string): number {
    let lo = 0;
    let hi = positionKey.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareTo(mid, target) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function collect(prefix: string, from: number, to: number, limit: number): TitleMatch[] {
    const best = new Map<number, number>();
    for (let i = from; i < to; i++) {
      const entry = keys.entries[positionKey[i]!]!;
      const keyLength = keys.texts[positionKey[i]!]!.length;
      const score =
        positionWord[i] === 0
          ? keyLength === prefix.length
            ? SCORE_EXACT
            : SCORE_TITLE_START
          : SCORE_WORD_START;
      if ((best.get(entry) ?? 0) < score) best.set(entry, score);
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
