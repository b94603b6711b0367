import { createFuzzyVocabulary } from './fuzzy-words.ts';
import {
  BUT_NEGATES_AFTER,
  CONJUNCTIONS,
  GENRE_WORDS,
  genresOfWord,
  MEETS_CUES,
  matchGenrePhrase,
  NEGATORS,
  PERSON_CUES,
  SIMILAR_CUES,
  STOP_WORDS,
  stem,
} from './lexicon.ts';
import { type RangeConstraint, readTimeExpression } from './parse-time.ts';
import { CLAUSE_BREAK, type RequestToken, tokenizeRequest } from './request-tokens.ts';
import type { TitleIndex } from './title-index.ts';
import { createSpanReader } from './title-spans.ts';
import type { ParsedPreferences } from './types.ts';

export { describePreferences } from './describe-preferences.ts';

/** Caps on each list of a parse, so a long message cannot produce a huge result. */
export const MAX_SIMILAR = 5;
export const MAX_PEOPLE = 5;
export const MAX_KEYWORDS = 20;
export const MAX_UNMATCHED = 20;
/** Year used for "recent" when the catalog has no years. */
const FALLBACK_LATEST_YEAR = 2020;
/** A request made only of words is read as a title when it matches one this well. */
const WHOLE_TITLE_MIN_SCORE = 0.8;
/** A name given without "by"/"with" must match a full name or surname exactly. */
const BARE_PERSON_MIN_SCORE = 0.9;
/** Misspelt genre words must be at least this long ("funy" is too close to too much). */
const MIN_FUZZY_GENRE_LENGTH = 5;
/** Words after which a negation no longer applies ("no horror but comedies"). */
const NEGATION_RESETS: ReadonlySet<string> = new Set([
  'but',
  'only',
  'just',
  'yes',
  'prefer',
  'rather',
  'instead',
  'with',
]);
/** Cues after which a failed title lookup means the word was a verb ("I like comedies"), not a title. */
const VERB_CUES: ReadonlySet<string> = new Set(['like', 'liked', 'loved', 'enjoyed', 'similar']);

const genreVocabulary = createFuzzyVocabulary(GENRE_WORDS);

/** Cues that always introduce a name ("starring julia roberts"), whatever its case. */
const STRONG_PERSON_CUES: readonly string[][] = [
  ['directed', 'by'],
  ['made', 'by'],
  ['starring'],
  ['featuring'],
  ['feat'],
];
/** Cues that introduce a name only when it is written as one ("with Julia Roberts", not "with time travel"). */
const WEAK_PERSON_CUES: readonly string[][] = [['with'], ['by'], ['from']];
/** Words of a name nobody in the catalog has, read after a cue. */
const MAX_UNKNOWN_NAME_WORDS = 3;
const WORD_CHARS = /[\p{L}\p{M}'’]+/gu;

/**
 * The request's words that were written with a capital letter, normalised like the tokens, so a weak cue
 * can tell a name ("with Julia Roberts") from a topic ("with talking animals").
 */
function capitalisedWords(text: string): ReadonlySet<string> {
  const out = new Set<string>();
  for (const match of text.slice(0, 2_000).matchAll(WORD_CHARS)) {
    const word = match[0];
    if (word[0] !== word[0]!.toLocaleLowerCase() && word[0] === word[0]!.toLocaleUpperCase())
      for (const token of tokenizeRequest(word)) out.add(token);
  }
  return out;
}

/** "julia roberts" → "Julia Roberts". */
function nameCase(words: readonly string[]): string {
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** An empty parse: no preference at all. */
export function emptyPreferences(): ParsedPreferences {
  return {
    genres: { include: [], exclude: [] },
    yearFrom: null,
    yearTo: null,
    similarTo: [],
    people: [],
    unknownPeople: [],
    keywords: [],
    keywordWords: [],
    minRuntime: null,
    maxRuntime: null,
    unmatched: [],
  };
}

/**
 * Negation state: `fresh` right after "no"/"without"; `applied` once it negated something; `carry` when a
 * conjunction follows ("no horror or romance"), so the next item is negated too.
 */
type Negation = 'off' | 'fresh' | 'applied' | 'carry';

function pushUnique<T>(list: T[], value: T, max: number): void {
  if (list.length < max && !list.includes(value)) list.push(value);
}

/** Intersects bounds; when they contradict, the later statement wins ("90s… actually 2000s"). */
function combine(constraints: RangeConstraint[]): { min: number | null; max: number | null } {
  let min: number | null = null;
  let max: number | null = null;
  for (const c of constraints) {
    const nextMin: number | null = c.min === null ? min : Math.max(min ?? c.min, c.min);
    const nextMax: number | null = c.max === null ? max : Math.min(max ?? c.max, c.max);
    if (nextMin !== null && nextMax !== null && nextMin > nextMax) {
      min = c.min;
      max = c.max;
    } else {
      min = nextMin;
      max = nextMax;
    }
  }
  return { min, max };
}

function matchPhrase(words: readonly RequestToken[], at: number, phrases: readonly string[][]): number {
  for (const phrase of phrases) if (phrase.every((w, k) => words[at + k] === w)) return phrase.length;
  return 0;
}

/** Genres of a genre word or phrase at `at`, allowing a typo in a single long word the titles do not use. */
function genresAt(words: readonly RequestToken[], at: number, index: TitleIndex) {
  const phrase = matchGenrePhrase(words, at);
  if (phrase) return phrase;
  const word = words[at]!;
  if (word.length < MIN_FUZZY_GENRE_LENGTH || STOP_WORDS.has(word) || index.words.has(word)) return null;
  const near = genreVocabulary.lookup(word)[0];
  const genres = near ? genresOfWord(near.word) : null;
  return genres ? { words: 1, genres } : null;
}

/** The movie the whole request names, when it is nothing but a title (typos allowed); else null. */
function wholeTitle(words: readonly RequestToken[], index: TitleIndex) {
  const text = words.filter((w) => w !== CLAUSE_BREAK).join(' ');
  const resolution = index.resolve(text);
  if (resolution.kind === 'found' && resolution.match.score >= WHOLE_TITLE_MIN_SCORE)
    return resolution.match.entry;
  if (resolution.kind === 'ambiguous' && resolution.options[0]!.score === 1)
    return resolution.options[0]!.entry;
  return null;
}

/**
 * Reads a free-text request ("funny 90s sci-fi like Alien, no horror") or a `/prefs` sentence ("love sci-fi and
 * comedies, no horror, nothing before 1970") into preferences. Titles and people are looked up in `index`.
 * Pure, fast (well under a millisecond for a chat message) and total: any string gives a result, never an
 * exception; only the first {@link MAX_REQUEST_TOKENS} words are read.
 */
export function parsePreferences(text: string, index: TitleIndex): ParsedPreferences {
  try {
    return parseRequest(text, index);
  } catch {
    // A parser bug must not take the whole command down: the request then simply steers nothing.
    return emptyPreferences();
  }
}

/** {@link parsePreferences} without the safety net, for tests that want to see any exception. */
export function parseRequest(text: string, index: TitleIndex): ParsedPreferences {
  const words = tokenizeRequest(text);
  const capitalised = capitalisedWords(text);
  const taken = new Uint8Array(words.length);
  const reader = createSpanReader(words, taken, index);
  const result = emptyPreferences();
  const include: string[] = [];
  const exclude: string[] = [];
  const years: RangeConstraint[] = [];
  const runtimes: RangeConstraint[] = [];
  const similar = new Map<number, ParsedPreferences['similarTo'][number]>();
  const addSimilar = (entry: { id: number; title: string; year: number | null }) => {
    if (similar.size < MAX_SIMILAR)
      similar.set(entry.id, { id: entry.id, title: entry.title, year: entry.year });
  };
  const take = (from: number, length: number) => taken.fill(1, from, from + length);

  // Titles first, so their words are not read as genres or keywords ("like Scary Movie").
  for (let i = 0; i < words.length; i++) {
    if (taken[i] || similar.size >= MAX_SIMILAR) continue;
    const cue = SIMILAR_CUES.find((phrase) => phrase.every((w, k) => words[i + k] === w));
    if (cue) {
      let title = reader.titleAt(i + cue.length);
      if (!title) {
        if (!VERB_CUES.has(words[i]!)) take(i, cue.length);
        continue;
      }
      take(i, cue.length);
      while (title) {
        addSimilar(title.entry);
        take(title.start, title.length);
        const next = title.start + title.length;
        const joiner = words[next];
        if (joiner === undefined || !(CONJUNCTIONS.has(joiner) || joiner === CLAUSE_BREAK)) break;
        title = reader.titleAt(next + 1);
        if (title) take(next, 1);
      }
      continue;
    }
    if (MEETS_CUES.has(words[i]!) && i > 0) {
      const left = reader.titleEndingAt(i - 1);
      if (left) take(left.start, left.length);
      const right = reader.titleAt(i + 1);
      if (right) take(right.start, right.length);
      if (left) addSimilar(left.entry);
      if (right) addSimilar(right.entry);
      if (left || right) take(i, 1);
    }
  }

  const latestYear = index.maxYear ?? FALLBACK_LATEST_YEAR;
  /** Whether the word at `at` can be part of a person's name: a plain word that means nothing else here. */
  const nameLike = (at: number): boolean => {
    const word = words[at];
    if (word === undefined || taken[at] || word === CLAUSE_BREAK || !/^[a-z]{2,}$/.test(word)) return false;
    if (STOP_WORDS.has(word) || CONJUNCTIONS.has(word) || NEGATORS.has(word)) return false;
    return !genresAt(words, at, index) && !readTimeExpression(words, at, latestYear);
  };
  /**
   * A name after a person cue that the people index does not know: any words after a strong cue
   * ("starring …"), capitalised ones after a weak cue (two or more after "with"/"from").
   */
  const unknownNameAt = (at: number, strong: boolean, minWords: number): number => {
    let length = 0;
    while (length < MAX_UNKNOWN_NAME_WORDS && nameLike(at + length)) {
      if (!strong && !capitalised.has(words[at + length]!)) break;
      length++;
    }
    return length >= minWords ? length : 0;
  };
  let negation: Negation = 'off';
  /** Whether the item being read is negated, and the state after it. */
  const itemNegated = (): boolean => {
    const negated = negation === 'fresh' || negation === 'carry';
    negation = negated ? 'applied' : 'off';
    return negated;
  };

  for (let i = 0; i < words.length; ) {
    const word = words[i]!;
    if (taken[i]) {
      i++;
      continue;
    }
    if (word === CLAUSE_BREAK) {
      negation = 'off';
      i++;
      continue;
    }
    const time = readTimeExpression(words, i, latestYear);
    if (time) {
      const negated = itemNegated();
      const constraint = negated ? time.negated : time.constraint;
      if (constraint) (constraint.field === 'year' ? years : runtimes).push(constraint);
      else pushUnique(result.unmatched, words.slice(i, i + time.length).join(' '), MAX_UNMATCHED);
      i += time.length;
      continue;
    }
    if (NEGATORS.has(word) || (word === 'but' && BUT_NEGATES_AFTER.has(words[i - 1] ?? ''))) {
      negation = 'fresh';
      i++;
      continue;
    }
    if ((word === 'other' && words[i + 1] === 'than') || (word === 'apart' && words[i + 1] === 'from')) {
      negation = 'fresh';
      i += 2;
      continue;
    }
    const personCue = matchPhrase(words, i, PERSON_CUES);
    const person = personCue > 0 ? reader.personAt(i + personCue) : null;
    if (person) {
      if (itemNegated()) pushUnique(result.unmatched, person.name, MAX_UNMATCHED);
      else pushUnique(result.people, person.name, MAX_PEOPLE);
      i += personCue + person.length;
      continue;
    }
    if (personCue > 0) {
      const strong = matchPhrase(words, i, STRONG_PERSON_CUES) > 0;
      const weak = !strong && matchPhrase(words, i, WEAK_PERSON_CUES) > 0;
      const length =
        strong || weak ? unknownNameAt(i + personCue, strong, strong || words[i] === 'by' ? 1 : 2) : 0;
      if (length > 0) {
        const name = nameCase(words.slice(i + personCue, i + personCue + length));
        if (itemNegated()) pushUnique(result.unmatched, name, MAX_UNMATCHED);
        else pushUnique(result.unknownPeople!, name, MAX_PEOPLE);
        i += personCue + length;
        continue;
      }
    }
    const genre = genresAt(words, i, index);
    if (genre) {
      const target = itemNegated() ? exclude : include;
      for (const g of genre.genres) pushUnique(target, g, Number.POSITIVE_INFINITY);
      i += genre.words;
      continue;
    }
    i++;
    if (CONJUNCTIONS.has(word)) {
      if ((negation as Negation) === 'applied') negation = 'carry';
      continue;
    }
    if (NEGATION_RESETS.has(word)) {
      negation = 'off';
      continue;
    }
    if (STOP_WORDS.has(word)) continue;
    // A name without "by"/"with" ("tom hanks comedies", "spielberg"): exact only, and a lone surname only
    // when no title uses the word, so "stone" or "king" stay keywords.
    const bare = reader.personAt(i - 1);
    if (bare && bare.score >= BARE_PERSON_MIN_SCORE && (bare.length > 1 || !index.words.has(word))) {
      if (itemNegated()) pushUnique(result.unmatched, bare.name, MAX_UNMATCHED);
      else pushUnique(result.people, bare.name, MAX_PEOPLE);
      i += bare.length - 1;
      continue;
    }
    const negated = negation !== 'off';
    negation = 'off';
    // Only plain Latin words stem meaningfully; numbers, other scripts and negated words ("no zombies":
    // keywords cannot exclude) are reported as not understood.
    if (!negated && /^[a-z]{3,}$/.test(word)) {
      const before = result.keywords.length;
      pushUnique(result.keywords, stem(word), MAX_KEYWORDS);
      if (result.keywords.length > before) result.keywordWords!.push(word);
    } else pushUnique(result.unmatched, word, MAX_UNMATCHED);
  }

  const onlyWords =
    include.length +
      exclude.length +
      years.length +
      runtimes.length +
      similar.size +
      result.people.length +
      result.unknownPeople!.length ===
    0;
  if (onlyWords && result.keywords.length > 0) {
    // A request that is just a title ("/recommend the godfather part 2") asks for films like it.
    const title = wholeTitle(words, index);
    if (title) {
      addSimilar(title);
      result.keywords = [];
      result.keywordWords = [];
      result.unmatched = [];
    }
  }
  result.genres.exclude = exclude;
  result.genres.include = include.filter((g) => !exclude.includes(g));
  const yearBounds = combine(years);
  result.yearFrom = yearBounds.min;
  result.yearTo = yearBounds.max;
  const runtimeBounds = combine(runtimes);
  result.minRuntime = runtimeBounds.min;
  result.maxRuntime = runtimeBounds.max;
  result.similarTo = [...similar.values()];
  return result;
}
