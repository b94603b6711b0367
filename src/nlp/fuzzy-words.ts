/** Words shorter than this are only matched exactly: one edit turns "war" into "car". */
const MIN_FUZZY_LENGTH = 4;
/** Words at least this long may be two edits away ("terminater" → "terminator" is one; "shawshenk"…). */
const TWO_EDITS_FROM_LENGTH = 8;

/** A vocabulary word close to a misspelt one. */
export interface FuzzyWord {
  word: string;
  /** Damerau–Levenshtein distance from the query word. */
  edits: number;
}

/**
 * A fixed vocabulary that finds words within one or two typos in microseconds, without scanning it: every
 * word is stored under each of its one-deletion variants (the SymSpell idea), a query looks up its own
 * deletions, and an optimal-string-alignment distance confirms each candidate. (natural's
 * DamerauLevenshteinDistance gives the same counts but measured 70–320 µs per pair here, too slow for
 * per-keystroke use; this bounded version takes about a microsecond.)
 */
export interface FuzzyVocabulary {
  has(word: string): boolean;
  /**
   * Vocabulary words within the allowed edits of `word`, closest first. A word the vocabulary has is
   * taken as meant and returned alone: "aliens" should not also find "alien".
   */
  lookup(word: string): FuzzyWord[];
  /** Vocabulary words starting with `prefix`, in sorted order, at most `limit`. */
  withPrefix(prefix: string, limit: number): string[];
  readonly size: number;
}

/** Allowed edits for a word of this length. */
export function maxEditsFor(word: string): number {
  if (word.length < MIN_FUZZY_LENGTH || /^\d+$/.test(word)) return 0;
  return word.length >= TWO_EDITS_FROM_LENGTH ? 2 : 1;
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions), giving up early:
 * returns `bound + 1` as soon as the distance must exceed `bound`.
 */
export function boundedEditDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > bound) return bound + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Builds a {@link FuzzyVocabulary} over `words` (duplicates are fine). */
export function createFuzzyVocabulary(words: Iterable<string>): FuzzyVocabulary {
  const vocabulary = new Set<string>(words);
  const byDeletion = new Map<string, string[]>();
  for (const word of vocabulary) {
    if (word.length < MIN_FUZZY_LENGTH - 1) continue;
    for (const variant of new Set(deletions(word))) {
      const list = byDeletion.get(variant);
      if (list) list.push(word);
      else byDeletion.set(variant, [word]);
    }
  }
  const sorted = [...vocabulary].sort();

  function lowerBound(target: string): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    size: vocabulary.size,
    has: (word) => vocabulary.has(word),
    lookup(word) {
      const found = new Map<string, number>();
      if (vocabulary.has(word)) return [{ word, edits: 0 }];
      const allowed = maxEditsFor(word);
      if (allowed === 0) return [];
      const probes = [word, ...deletions(word)];
      const candidates = new Set<string>();
      for (const probe of probes) {
        if (probe !== word && vocabulary.has(probe)) candidates.add(probe);
        for (const w of byDeletion.get(probe) ?? []) candidates.add(w);
      }
      for (const candidate of candidates) {
        if (found.has(candidate) || Math.abs(candidate.length - word.length) > allowed) continue;
        const edits = boundedEditDistance(word, candidate, allowed);
        if (edits <= allowed) found.set(candidate, edits);
      }
      return [...found].map(([w, edits]) => ({ word: w, edits })).sort((a, b) => a.edits - b.edits);
    },
    withPrefix(prefix, limit) {
      const out: string[] = [];
      for (let i = lowerBound(prefix); i < sorted.length && out.length < limit; i++) {
        const w = sorted[i]!;
        if (!w.startsWith(prefix)) break;
        out.push(w);
      }
      return out;
    },
  };
}
