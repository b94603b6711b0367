import { matchGenrePhrase, SPAN_BREAKERS, STOP_WORDS } from './lexicon.ts';
import { ENGLISH_ARTICLES } from './normalize.ts';
import { CLAUSE_BREAK, type RequestToken } from './request-tokens.ts';
import type { TitleIndex } from './title-index.ts';
import type { TitleEntry } from './types.ts';

/** Longest title looked for inside a request, in words. */
const MAX_TITLE_WORDS = 8;
/** Longest span tried with (slower) typo-tolerant lookup. */
const MAX_FUZZY_TITLE_WORDS = 5;
/** A misspelt title needs at least this score to be taken from free text without asking. */
const MIN_FUZZY_SCORE = 0.75;
/** Single-word titles shorter than this are only taken exactly ("it", "up"). */
const MIN_FUZZY_WORD_LENGTH = 4;
/** Typo-tolerant lookups per request; past this only exact titles are found (bounds work on long text). */
const MAX_FUZZY_LOOKUPS = 20;
/** A person found from fewer words than this is looked up exactly or by surname only. */
const MAX_NAME_WORDS = 3;
const MIN_PERSON_SCORE = 0.8;

/** A title found in a request, and how many tokens it covered. */
export interface TitleSpan {
  entry: TitleEntry;
  start: number;
  length: number;
}

/** Reads titles and people out of request tokens; `taken[i]` marks tokens already used. */
export interface SpanReader {
  /** The best title starting at `start` ("like The Matrix and …"). */
  titleAt(start: number): TitleSpan | null;
  /** The best title ending at `end` inclusive ("Alien meets …"). */
  titleEndingAt(end: number): TitleSpan | null;
  /** A person named from `start` on ("by Nolan", "with Tom Hanks"). */
  personAt(start: number): { name: string; length: number; score: number } | null;
}

function usable(word: RequestToken | undefined, taken: Uint8Array, at: number): boolean {
  return word !== undefined && word !== CLAUSE_BREAK && taken[at] === 0;
}

/** Creates a {@link SpanReader} over `words`. */
export function createSpanReader(
  words: readonly RequestToken[],
  taken: Uint8Array,
  index: TitleIndex,
): SpanReader {
  let fuzzyBudget = MAX_FUZZY_LOOKUPS;

  /** Spans (start, length), most preferred first; the exact pass may cross span breakers, the fuzzy one not. */
  function best(spans: { start: number; length: number }[]): TitleSpan | null {
    let exact: TitleSpan | null = null;
    for (const { start, length } of spans) {
      const span = words.slice(start, start + length);
      // "Up", "It", "Her" are titles only where a title is expected and nothing follows ("films like Up").
      const alone = [undefined, CLAUSE_BREAK, 'and', 'or'].includes(words[start + 1]);
      if (length === 1 && ((STOP_WORDS.has(span[0]!) && !alone) || /^\d+$/.test(span[0]!))) continue;
      if (genreCovers(start, length)) continue;
      const matches = index.exact(span.join(' '));
      if (matches.length === 0) continue;
      exact = withYear(
        { entry: matches[0]!.entry, start, length },
        matches.map((m) => m.entry),
      );
      break;
    }
    for (const { start, length } of spans) {
      if (exact && length <= exact.length) break;
      const span = words.slice(start, start + length);
      if (length > MAX_FUZZY_TITLE_WORDS) continue;
      if (span.slice(1).some((w) => SPAN_BREAKERS.has(w))) continue;
      if (STOP_WORDS.has(span[0]!) && !ENGLISH_ARTICLES.has(span[0]!)) continue;
      if (length === 1 && span[0]!.length < MIN_FUZZY_WORD_LENGTH) continue;
      if (genreCovers(start, length)) continue;
      if (fuzzyBudget-- <= 0) break;
      const resolution = index.resolve(span.join(' '));
      if (resolution.kind === 'found' && resolution.match.score >= MIN_FUZZY_SCORE) {
        return { entry: resolution.match.entry, start, length };
      }
      if (resolution.kind === 'ambiguous' && resolution.options[0]!.score >= MIN_FUZZY_SCORE) {
        return { entry: resolution.options[0]!.entry, start, length };
      }
    }
    return exact;
  }

  /** A genre phrase at `start` at least as long as the span: "like horror" is a genre, not a title. */
  function genreCovers(start: number, length: number): boolean {
    return (matchGenrePhrase(words, start)?.words ?? 0) >= length;
  }

  /** "like hamlet 1996": a year right after an exact title picks that one and is used up. */
  function withYear(span: TitleSpan, options: TitleEntry[]): TitleSpan {
    const next = words[span.start + span.length];
    if (next === undefined || !/^\d{4}$/.test(next)) return span;
    const dated = options.find((e) => e.year === Number(next));
    return dated ? { entry: dated, start: span.start, length: span.length + 1 } : span;
  }

  return {
    titleAt(start) {
      let end = start;
      while (end - start < MAX_TITLE_WORDS && usable(words[end], taken, end)) end++;
      const spans = [];
      for (let length = end - start; length >= 1; length--) spans.push({ start, length });
      return best(spans);
    },
    titleEndingAt(end) {
      let start = end + 1;
      while (end + 1 - start < MAX_TITLE_WORDS && start > 0 && usable(words[start - 1], taken, start - 1))
        start--;
      const spans = [];
      for (let s = start; s <= end; s++) spans.push({ start: s, length: end + 1 - s });
      return best(spans);
    },
    personAt(start) {
      let end = start;
      while (end - start < MAX_NAME_WORDS && usable(words[end], taken, end)) end++;
      for (let length = end - start; length >= 1; length--) {
        const span = words.slice(start, start + length);
        if (STOP_WORDS.has(span[0]!) || genreCovers(start, length)) continue;
        if (length === 1 && span[0]!.length < 3) continue;
        const person = index.findPerson(span);
        if (person && person.score >= MIN_PERSON_SCORE)
          return { name: person.name, length, score: person.score };
      }
      return null;
    },
  };
}
