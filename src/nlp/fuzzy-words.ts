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
  /** The word's position among the distinct words in the order given, or -1: a compact id for it. */
  indexOf(word: string): number;
  /** The word at a position {@link indexOf} returned. */
  wordAt(index: number): string;
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

/** 32-bit FNV-1a of `word` with the code unit at `skip` left out (-1: none), without building the string. */
function hashWithout(word: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    if (i === skip) continue;
    h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** True when removing one code unit from `word` gives `variant`. */
function isDeletionOf(variant: string, word: string): boolean {
  if (word.length !== variant.length + 1) return false;
  let i = 0;
  while (i < variant.length && variant.charCodeAt(i) === word.charCodeAt(i)) i++;
  for (let j = i; j < variant.length; j++) if (variant.charCodeAt(j) !== word.charCodeAt(j + 1)) return false;
  return true;
}

/** Word positions below this fit beside a 32-bit hash in one float64 sort key. */
const PACKED_WORDS = 2 ** 21;

/**
 * The one-deletion variants of every word as sorted (hash, word position) pairs instead of a map from
 * variant strings: a 35,000-word vocabulary has ~250,000 variants, which as strings with a list each
 * took ~50 MB of heap; as two typed arrays they take 2 MB. A hash names candidates only; each one is
 * checked against the probe itself, so a collision never changes an answer.
 */
interface DeletionIndex {
  hashes: Uint32Array;
  words: Int32Array;
}

function buildDeletionIndex(words: readonly string[]): DeletionIndex {
  let pairs = 0;
  for (const w of words) if (w.length >= MIN_FUZZY_LENGTH - 1) pairs += w.length;
  const hashes = new Uint32Array(pairs);
  const owners = new Int32Array(pairs);
  let n = 0;
  words.forEach((w, at) => {
    if (w.length < MIN_FUZZY_LENGTH - 1) return;
    const from = n;
    for (let i = 0; i < w.length; i++) {
      const h = hashWithout(w, i);
      // A repeated variant ("book" → "bok" twice) is listed once per word.
      let repeated = false;
      for (let k = from; k < n && !repeated; k++) repeated = hashes[k] === h;
      if (repeated) continue;
      hashes[n] = h;
      owners[n++] = at;
    }
  });
  // Sorted by hash, then word position, so a probe's words come in vocabulary order.
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  if (words.length <= PACKED_WORDS) {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = hashes[k]! * PACKED_WORDS + owners[k]!;
    keys.sort();
    const out = { hashes: new Uint32Array(n), words: new Int32Array(n) };
    for (let k = 0; k < n; k++) {
      out.hashes[k] = Math.floor(keys[k]! / PACKED_WORDS);
      out.words[k] = keys[k]! % PACKED_WORDS;
    }
    return out;
  }
  order.sort((a, b) => hashes[a]! - hashes[b]! || owners[a]! - owners[b]!);
  return {
    hashes: Uint32Array.from(order, (k) => hashes[k]!),
    words: Int32Array.from(order, (k) => owners[k]!),
  };
}

/** Builds a {@link FuzzyVocabulary} over `words` (duplicates are fine). */
export function createFuzzyVocabulary(words: Iterable<string>): FuzzyVocabulary {
  const positions = new Map<string, number>();
  const inOrder: string[] = [];
  for (const w of words) {
    if (positions.has(w)) continue;
    positions.set(w, inOrder.length);
    inOrder.push(w);
  }
  const vocabulary = { has: (w: string) => positions.has(w) };
  const index = buildDeletionIndex(inOrder);
  const sorted = [...inOrder].sort();

  /** Vocabulary words one deletion away from `probe` (`probe` is one of their variants), in vocabulary order. */
  function withVariant(probe: string, out: Set<string>): void {
    const h = hashWithout(probe, -1);
    let lo = 0;
    let hi = index.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (index.hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < index.hashes.length && index.hashes[k] === h; k++) {
      const w = inOrder[index.words[k]!]!;
      if (isDeletionOf(probe, w)) out.add(w);
    }
  }

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
    size: inOrder.length,
    has: (word) => positions.has(word),
    indexOf: (word) => positions.get(word) ?? -1,
    wordAt: (index) => inOrder[index]!,
    lookup(word) {
      const found = new Map<string, number>();
      if (vocabulary.has(word)) return [{ word, edits: 0 }];
      const allowed = maxEditsFor(word);
      if (allowed === 0) return [];
      const probes = [word, ...deletions(word)];
      const candidates = new Set<string>();
      for (const probe of probes) {
        if (probe !== word && vocabulary.has(probe)) candidates.add(probe);
        withVariant(probe, candidates);
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
