import distance from 'natural/lib/natural/distance/index.js';
import { createAutocomplete } from './autocomplete.ts';
import { createFuzzyVocabulary, type FuzzyVocabulary } from './fuzzy-words.ts';
import {
  ENGLISH_ARTICLES,
  normalizeTitle,
  normalizeWords,
  splitQueryYear,
  type TitleQuery,
  titleKeys,
} from './normalize.ts';
import { createPeopleIndex, type PersonMatch } from './people-index.ts';
import type { TitleEntry, TitleMatch, TitleResolution } from './types.ts';

export { normalizeTitle } from './normalize.ts';

/** Score of a match that is certain enough to act on without asking. */
export const FOUND_MIN_SCORE = 0.72;
/** Matches this close to the best one count as equally good (ask which one). */
const TIE_EPSILON = 0.02;
/** Candidates within this of the best one may be offered as alternatives to it. */
const CLOSE_SPREAD = 0.2;
/** Below this a candidate is not worth suggesting. */
const SUGGESTION_MIN_SCORE = 0.2;
const MAX_SUGGESTIONS = 5;
const MAX_AMBIGUOUS_OPTIONS = 10;
/** Words in more titles than this ("the", "of") do not generate candidates on their own. */
const MAX_POSTING_FOR_CANDIDATES = 1500;
/** Words in at most this many titles are "rare": candidates come from them alone when there are any. */
const RARE_WORD_POSTINGS = 200;
/** Upper bound on candidates scored per query, so a query of common words stays cheap. */
const MAX_CANDIDATES = 4000;
/** Title words beyond this are not matched word by word (a bit set holds them); no real title is longer. */
const MAX_SCORED_TITLE_WORDS = 30;
/** Query words beyond this are ignored; no title is that long. */
const MAX_QUERY_WORDS = 12;
/** Credit for a misspelt word, per edit. */
const FUZZY_WORD_CREDIT = [1, 0.8, 0.65];
/** Unknown words this long are compared, by Jaro–Winkler, with title words sharing their first letters. */
const LOOSE_MATCH_MIN_LENGTH = 5;
const LOOSE_MATCH_PREFIX = 4;
const LOOSE_MATCH_CANDIDATES = 50;
const LOOSE_MATCH_MIN_SIMILARITY = 0.85;
const LOOSE_WORD_CREDIT = 0.5;
/** Credit for the last query word being a prefix of a title word ("termin" → "terminator"). */
const PREFIX_WORD_CREDIT = 0.7;
/** Weight of "how much of the query matched" against "how much of the title was covered". */
const QUERY_COVERAGE_WEIGHT = 0.65;
/** A year one off counts almost fully (release years differ between sources); another year is penalised. */
const NEAR_YEAR_FACTOR = 0.97;
const WRONG_YEAR_FACTOR = 0.5;
/** Upper bound of the years a trailing number can mean when the catalog has no years at all. */
const FALLBACK_MAX_YEAR = 2100;

/** Finds movies by title (exact, fuzzy, prefix) and people by name, over a fixed list of entries. */
export interface TitleIndex {
  /** One movie for a user's title, or the options to choose from, or suggestions. */
  resolve(query: string): TitleResolution;
  /** Titles containing the query's words (typos allowed), best first. */
  search(query: string, limit: number): TitleMatch[];
  /** Titles starting with the typed prefix (or with a word of it), for autocomplete; fast. */
  autocomplete(prefix: string, limit: number): TitleMatch[];
  /** Exact normalised title matches only (article-insensitive), most popular first. */
  exact(query: string): TitleMatch[];
  /** A director or actor named by these words ("nolan", "tom hanks"), as the catalog spells them. */
  findPerson(words: readonly string[]): PersonMatch | null;
  /** Vocabulary of title words, for callers that need to tell title words from other words. */
  readonly words: FuzzyVocabulary;
  readonly entries: readonly TitleEntry[];
  readonly minYear: number | null;
  readonly maxYear: number | null;
}

/** A candidate with how it matched, to tell a unique answer from a choice to offer. */
interface Ranked extends TitleMatch {
  /** Every query word found in the title (exactly or with a typo). */
  allQueryWords: boolean;
  /** …and every title word used: a misspelt complete title ("shawshenk redemption"). */
  wholeTitle: boolean;
}

function toMatch(m: Ranked): TitleMatch {
  return { entry: m.entry, score: m.score };
}

function byPopularity(a: TitleMatch, b: TitleMatch): number {
  return b.entry.popularity - a.entry.popularity || b.score - a.score || a.entry.id - b.entry.id;
}

/**
 * Turns a ranking into an answer. Exact titles win ("Toy Story" over "Toy Story 2"); several exact ones are a
 * choice ("Hamlet": which year?). Otherwise a single complete misspelt title wins, then a single title holding
 * every query word ("terminator 2"); several such ("star wars") are a choice, most popular first.
 */
function classify(ranking: Ranked[]): TitleResolution {
  const top = ranking[0];
  const suggestions = () =>
    ranking
      .filter((m) => m.score >= SUGGESTION_MIN_SCORE)
      .slice(0, MAX_SUGGESTIONS)
      .map(toMatch);
  if (!top || top.score < FOUND_MIN_SCORE) return { kind: 'not-found', suggestions: suggestions() };
  const close = ranking.filter((m) => m.score >= top.score - CLOSE_SPREAD);
  const tiers = [
    ranking.filter((m) => m.score >= top.score - TIE_EPSILON && top.score === 1),
    close.filter((m) => m.wholeTitle),
    close.filter((m) => m.allQueryWords),
  ];
  for (const tier of tiers) {
    if (tier.length === 1) return { kind: 'found', match: toMatch(tier[0]!) };
    if (tier.length > 1) {
      return {
        kind: 'ambiguous',
        options: tier.map(toMatch).sort(byPopularity).slice(0, MAX_AMBIGUOUS_OPTIONS),
      };
    }
  }
  return { kind: 'not-found', suggestions: suggestions() };
}

/**
 * The normalised title keys (a title and its variants: "matrix" and "the matrix"), as parallel columns:
 * key k is `texts[k]` of entry `entries[k]`, its words `words[wordStart[k]..wordStart[k+1]]` as
 * vocabulary positions. At 30,000 films an object with its own array of word strings per key took
 * ~20 MB of heap; these columns take a few.
 */
export interface TitleKeys {
  texts: string[];
  entries: Int32Array;
  wordStart: Int32Array;
  words: Int32Array;
}

/** Word positions → the keys holding the word, ascending: `keys[start[w]..start[w+1]]`. */
interface Postings {
  start: Int32Array;
  keys: Int32Array;
}

function byScoreThenPopularity(a: TitleMatch, b: TitleMatch): number {
  return b.score - a.score || b.entry.popularity - a.entry.popularity || a.entry.id - b.entry.id;
}

function keyColumns(texts: string[], keyEntries: number[], vocabulary: FuzzyVocabulary): TitleKeys {
  const wordStart = new Int32Array(texts.length + 1);
  let total = 0;
  texts.forEach((text, k) => {
    total += text.split(' ').length;
    wordStart[k + 1] = total;
  });
  const words = new Int32Array(total);
  texts.forEach((text, k) => {
    let at = wordStart[k]!;
    for (const w of text.split(' ')) words[at++] = vocabulary.indexOf(w);
  });
  return { texts, entries: Int32Array.from(keyEntries), wordStart, words };
}

/** Each word's keys (a key once however often it has the word), in key order. */
function postingsOf(keys: TitleKeys, vocabularySize: number): Postings {
  const start = new Int32Array(vocabularySize + 1);
  const forEachDistinct = (k: number, visit: (w: number) => void) => {
    const from = keys.wordStart[k]!;
    const to = keys.wordStart[k + 1]!;
    for (let at = from; at < to; at++) {
      const w = keys.words[at]!;
      let repeated = false;
      for (let before = from; before < at && !repeated; before++) repeated = keys.words[before] === w;
      if (!repeated) visit(w);
    }
  };
  for (let k = 0; k < keys.texts.length; k++) forEachDistinct(k, (w) => start[w + 1]!++);
  for (let w = 0; w < vocabularySize; w++) start[w + 1]! += start[w]!;
  const fill = start.slice(0, vocabularySize);
  const list = new Int32Array(start[vocabularySize]!);
  for (let k = 0; k < keys.texts.length; k++)
    forEachDistinct(k, (w) => {
      list[fill[w]!++] = k;
    });
  return { start, keys: list };
}

/**
 * Key text → its keys: the first key as a number (almost every text is one title's), a list only for a
 * text several keys share.
 */
function textLookup(texts: string[]): (text: string) => readonly number[] {
  const first = new Map<string, number | number[]>();
  texts.forEach((text, k) => {
    const known = first.get(text);
    if (known === undefined) first.set(text, k);
    else if (typeof known === 'number') first.set(text, [known, k]);
    else known.push(k);
  });
  return (text) => {
    const hit = first.get(text);
    return hit === undefined ? [] : typeof hit === 'number' ? [hit] : hit;
  };
}

/**
 * Builds a title index over `entries` (a few hundred ms for 10k titles). Lookups never throw, whatever the
 * input.
 */
export function createTitleIndex(entries: readonly TitleEntry[]): TitleIndex {
  let minYear: number | null = null;
  let maxYear: number | null = null;
  const texts: string[] = [];
  const keyEntries: number[] = [];
  entries.forEach((entry, entryIndex) => {
    if (entry.year !== null) {
      minYear = minYear === null ? entry.year : Math.min(minYear, entry.year);
      maxYear = maxYear === null ? entry.year : Math.max(maxYear, entry.year);
    }
    for (const text of titleKeys(entry.title)) {
      texts.push(text);
      keyEntries.push(entryIndex);
    }
  });
  // Words in order of first appearance, as the vocabulary numbers them.
  const vocabulary = createFuzzyVocabulary(
    (function* () {
      for (const text of texts) yield* text.split(' ');
    })(),
  );
  const keys = keyColumns(texts, keyEntries, vocabulary);
  const postings = postingsOf(keys, vocabulary.size);
  const byText = textLookup(texts);
  const people = createPeopleIndex(entries);
  const autocomplete = createAutocomplete(entries, keys);

  /** Entries whose key equals the words, with or without a leading English article; by entry position. */
  function exactMatches(words: string[]): Map<number, Ranked> {
    const hits = [...byText(words.join(' '))];
    if (words.length > 1 && ENGLISH_ARTICLES.has(words[0]!)) {
      hits.push(...byText(words.slice(1).join(' ')));
    }
    const matches = new Map<number, Ranked>();
    for (const k of hits) {
      const entryIndex = keys.entries[k]!;
      const entry = entries[entryIndex]!;
      if (!matches.has(entryIndex))
        matches.set(entryIndex, { entry, score: 1, allQueryWords: true, wholeTitle: true });
    }
    return matches;
  }

  /** Per query word: the title words it may stand for, with their credit. */
  function expandWords(words: string[], prefixLast: boolean): Map<string, number>[] {
    return words.map((word, i) => {
      const credits = new Map<string, number>();
      for (const { word: w, edits } of vocabulary.lookup(word)) credits.set(w, FUZZY_WORD_CREDIT[edits] ?? 0);
      if (credits.size === 0 && word.length >= LOOSE_MATCH_MIN_LENGTH) {
        // Too far for edits ("terminal" / "terminator"): a same-stem word that looks alike still helps suggest.
        for (const w of vocabulary.withPrefix(word.slice(0, LOOSE_MATCH_PREFIX), LOOSE_MATCH_CANDIDATES)) {
          if (distance.JaroWinklerDistance(word, w) >= LOOSE_MATCH_MIN_SIMILARITY)
            credits.set(w, LOOSE_WORD_CREDIT);
        }
      }
      if (prefixLast && i === words.length - 1 && word.length >= 3) {
        for (const w of vocabulary.withPrefix(word, 50))
          if (!credits.has(w)) credits.set(w, PREFIX_WORD_CREDIT);
      }
      return credits;
    });
  }

  /**
   * Posting lists to draw candidates from: those of the rarer query words only, since a good match contains
   * them ("terminator 2" need not score every title with a "2"), or the rarest word's when all are common.
   */
  function candidatePostings(expanded: Map<number, number>[]): Int32Array[] {
    const perWord = expanded.map((credits) =>
      [...credits.keys()].map((w) => postings.keys.subarray(postings.start[w]!, postings.start[w + 1]!)),
    );
    const sizes = perWord.map((lists) => lists.reduce((sum, l) => sum + l.length, 0));
    const rare = perWord.filter((_, i) => sizes[i]! > 0 && sizes[i]! <= RARE_WORD_POSTINGS);
    if (rare.length > 0) return rare.flat();
    let rarest = -1;
    sizes.forEach((size, i) => {
      if (size > 0 && size <= MAX_POSTING_FOR_CANDIDATES && (rarest < 0 || size < sizes[rarest]!)) rarest = i;
    });
    return rarest < 0 ? [] : perWord[rarest]!;
  }

  function scoreKey(expanded: Map<number, number>[], key: number): Ranked {
    let queryCredit = 0;
    let matchedWords = 0;
    // Title words already matched, as a bit set: this runs for every candidate, so no allocation.
    let used = 0;
    const from = keys.wordStart[key]!;
    const keyWords = keys.wordStart[key + 1]! - from;
    const width = Math.min(keyWords, MAX_SCORED_TITLE_WORDS);
    for (const credits of expanded) {
      let best = 0;
      let bestAt = -1;
      for (let at = 0; at < width; at++) {
        const credit = used & (1 << at) ? 0 : (credits.get(keys.words[from + at]!) ?? 0);
        if (credit > best) {
          best = credit;
          bestAt = at;
        }
      }
      if (bestAt >= 0) {
        used |= 1 << bestAt;
        matchedWords++;
      }
      queryCredit += best;
    }
    const queryCoverage = queryCredit / Math.max(1, expanded.length);
    const keyCoverage = queryCredit / Math.max(1, keyWords, expanded.length);
    // Only an exact normalised match earns 1: "alien" must beat "aliens" even at full word coverage.
    const score = Math.min(
      0.97,
      QUERY_COVERAGE_WEIGHT * queryCoverage + (1 - QUERY_COVERAGE_WEIGHT) * keyCoverage,
    );
    const allQueryWords = matchedWords === expanded.length;
    return {
      entry: entries[keys.entries[key]!]!,
      score,
      allQueryWords,
      wholeTitle: allQueryWords && matchedWords === keyWords,
    };
  }

  function rank(query: TitleQuery, prefixLast: boolean): Ranked[] {
    const words = query.words.slice(0, MAX_QUERY_WORDS);
    if (words.length === 0) return [];
    const exact = exactMatches(words);
    // Credits by vocabulary position (every credited word is a title word), in the same order.
    const expanded = expandWords(words, prefixLast).map(
      (credits) => new Map([...credits].map(([w, credit]) => [vocabulary.indexOf(w), credit])),
    );
    const candidates = new Set<number>();
    for (const list of candidatePostings(expanded)) {
      for (const k of list) {
        if (candidates.size >= MAX_CANDIDATES) break;
        candidates.add(k);
      }
    }
    const best = exact;
    for (const k of candidates) {
      const entry = keys.entries[k]!;
      if (best.get(entry)?.score === 1) continue;
      const ranked = scoreKey(expanded, k);
      const previous = best.get(entry);
      if (!previous || previous.score < ranked.score) best.set(entry, ranked);
    }
    const matches = [...best.values()];
    if (query.year !== null) {
      for (const m of matches) {
        const gap = m.entry.year === null ? Number.POSITIVE_INFINITY : Math.abs(m.entry.year - query.year);
        if (gap === 1) m.score *= NEAR_YEAR_FACTOR;
        else if (gap > 1) m.score *= WRONG_YEAR_FACTOR;
      }
    }
    return matches.sort(byScoreThenPopularity);
  }

  /** The query read every plausible way ("airport 1975" with and without a year), best reading first. */
  function rankQuery(query: string, prefixLast: boolean): Ranked[] {
    const readings = splitQueryYear(query, minYear ?? 0, maxYear ?? FALLBACK_MAX_YEAR);
    let bestRanking: Ranked[] = [];
    for (const reading of readings) {
      const ranking = rank(reading, prefixLast);
      if ((ranking[0]?.score ?? 0) > (bestRanking[0]?.score ?? 0)) bestRanking = ranking;
    }
    return bestRanking;
  }

  return {
    entries,
    words: vocabulary,
    get minYear() {
      return minYear;
    },
    get maxYear() {
      return maxYear;
    },
    resolve(query) {
      return classify(typeof query === 'string' ? rankQuery(query, false) : []);
    },
    search(query, limit) {
      if (typeof query !== 'string' || limit <= 0) return [];
      // Exact titles, then titles holding every word, each by popularity: "star wars" lists the saga first.
      const tier = (m: Ranked) => (m.score === 1 ? 2 : m.allQueryWords ? 1 : 0);
      return rankQuery(query, true)
        .filter((m) => m.score >= SUGGESTION_MIN_SCORE)
        .sort((a, b) => tier(b) - tier(a) || (tier(a) === 0 ? b.score - a.score : 0) || byPopularity(a, b))
        .slice(0, limit)
        .map(toMatch);
    },
    autocomplete(prefix, limit) {
      if (typeof prefix !== 'string' || limit <= 0) return [];
      const hits = autocomplete.complete(normalizeWords(prefix, { finalNumeral: false }).join(' '), limit);
      if (hits.length > 0 || prefix.trim().length < 3) return hits;
      // Nothing starts that way: probably a typo, so fall back to the fuzzy word search.
      return this.search(prefix, limit);
    },
    exact(query) {
      if (typeof query !== 'string') return [];
      const words = normalizeTitle(query).split(' ');
      return [...exactMatches(words).values()].sort(byScoreThenPopularity);
    },
    findPerson: (words) => people.find(words),
  };
}
