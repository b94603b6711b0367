/**
 * Years and running times in a request: "90s", "nineties", "early 80s", "before 1980", "between 1995 and
 * 2005", "recent", "classic", "short", "under 2 hours", "less than 90 minutes", "1h30 max".
 */

/** Earliest and latest numbers read as release years. */
export const MIN_YEAR = 1870;
export const MAX_YEAR = 2100;
/** "recent" / "new": released in the catalog's last few years. */
export const RECENT_YEARS = 5;
/** "modern": the last two decades. */
export const MODERN_YEARS = 20;
/** "old" / "classic": released before this year. */
export const CLASSIC_BEFORE = 1980;
/** "short": at most this many minutes; "not short": at least. */
export const SHORT_MAX_MINUTES = 90;
/** "long": at least this many minutes; "not (too) long": at most {@link NOT_LONG_MAX_MINUTES}. */
export const LONG_MIN_MINUTES = 140;
export const NOT_LONG_MAX_MINUTES = 120;
/** A bare number after "under" is hours up to this, minutes from {@link MIN_BARE_MINUTES}. */
const MAX_BARE_HOURS = 5;
const MIN_BARE_MINUTES = 30;
const MAX_MINUTES = 600;

/** Bounds on release year or running time (minutes), inclusive; null = open. */
export interface RangeConstraint {
  field: 'year' | 'runtime';
  min: number | null;
  max: number | null;
}

export interface TimeMatch {
  /** Tokens used. */
  length: number;
  constraint: RangeConstraint;
  /** What the expression means after a negation ("nothing before 1970"), or null when it cannot be said. */
  negated: RangeConstraint | null;
}

interface Span {
  length: number;
  from: number;
  to: number;
}

const DECADE_WORDS: Readonly<Record<string, number>> = {
  twenties: 1920,
  thirties: 1930,
  forties: 1940,
  fifties: 1950,
  sixties: 1960,
  seventies: 1970,
  eighties: 1980,
  nineties: 1990,
  noughties: 2000,
  aughts: 2000,
  tens: 2010,
};
const NUMBER_WORDS: Readonly<Record<string, number>> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4 };
const HOUR_UNITS = new Set(['h', 'hr', 'hrs', 'hour', 'hours']);
const MINUTE_UNITS = new Set(['m', 'min', 'mins', 'minute', 'minutes']);

const RECENT_WORDS = new Set(['recent', 'new', 'newer', 'newest', 'latest', 'current']);
const MODERN_WORDS = new Set(['modern', 'contemporary']);
const OLD_WORDS = new Set(['old', 'older', 'classic', 'classics', 'vintage', 'oldie', 'oldies', 'golden']);
const NEW_FOLLOWERS = new Set([
  ',',
  'movie',
  'movies',
  'film',
  'films',
  'release',
  'releases',
  'stuff',
  'ones',
  'one',
  'and',
  'or',
  'please',
]);
const SHORT_WORDS = new Set(['short', 'shorter', 'quick', 'brief']);
const LONG_WORDS = new Set(['long', 'longer', 'lengthy', 'epic', 'epics']);

type Cue = { words: string[]; bound: 'before' | 'until' | 'after' | 'since' | 'from' };
/** Year cues, longest first. */
const YEAR_CUES: Cue[] = [
  { words: ['prior', 'to'], bound: 'before' },
  { words: ['older', 'than'], bound: 'before' },
  { words: ['earlier', 'than'], bound: 'before' },
  { words: ['up', 'to'], bound: 'until' },
  { words: ['newer', 'than'], bound: 'after' },
  { words: ['later', 'than'], bound: 'after' },
  { words: ['starting', 'in'], bound: 'since' },
  { words: ['starting', 'from'], bound: 'since' },
  { words: ['before'], bound: 'before' },
  { words: ['pre'], bound: 'before' },
  { words: ['until'], bound: 'until' },
  { words: ['till'], bound: 'until' },
  { words: ['through'], bound: 'until' },
  { words: ['after'], bound: 'after' },
  { words: ['post'], bound: 'after' },
  { words: ['since'], bound: 'since' },
  { words: ['from'], bound: 'from' },
];
const RANGE_JOINERS = new Set(['to', 'until', 'till', 'through', 'and', 'thru']);
const SINCE_SUFFIXES = [
  ['onwards'],
  ['onward'],
  ['on'],
  ['forward'],
  ['plus'],
  ['or', 'later'],
  ['and', 'later'],
  ['or', 'newer'],
  ['and', 'up'],
  ['or', 'after'],
];
const UNTIL_SUFFIXES = [
  ['or', 'earlier'],
  ['and', 'earlier'],
  ['or', 'before'],
  ['and', 'before'],
  ['or', 'older'],
];

type RuntimeCue = { words: string[]; bound: 'max' | 'min' };
const RUNTIME_CUES: RuntimeCue[] = [
  { words: ['less', 'than'], bound: 'max' },
  { words: ['shorter', 'than'], bound: 'max' },
  { words: ['at', 'most'], bound: 'max' },
  { words: ['up', 'to'], bound: 'max' },
  { words: ['more', 'than'], bound: 'min' },
  { words: ['longer', 'than'], bound: 'min' },
  { words: ['at', 'least'], bound: 'min' },
  { words: ['under'], bound: 'max' },
  { words: ['below'], bound: 'max' },
  { words: ['within'], bound: 'max' },
  { words: ['max'], bound: 'max' },
  { words: ['maximum'], bound: 'max' },
  { words: ['over'], bound: 'min' },
  { words: ['above'], bound: 'min' },
  { words: ['min'], bound: 'min' },
  { words: ['minimum'], bound: 'min' },
];
const MAX_SUFFIXES = [['or', 'less'], ['or', 'shorter'], ['max'], ['maximum'], ['tops'], ['at', 'most']];
const MIN_SUFFIXES = [['or', 'more'], ['or', 'longer'], ['plus'], ['at', 'least'], ['minimum']];

function startsWith(words: readonly string[], at: number, phrase: readonly string[]): boolean {
  return phrase.every((w, k) => words[at + k] === w);
}

function suffixLength(words: readonly string[], at: number, options: readonly string[][]): number {
  for (const phrase of options) if (startsWith(words, at, phrase)) return phrase.length;
  return 0;
}

/** "1999", "90s", "the 1980s", "nineties", "late 70s" → the years they cover. */
export function readYears(words: readonly string[], at: number): Span | null {
  let i = at;
  if (words[i] === 'the') i++;
  let part: 'early' | 'mid' | 'late' | null = null;
  const modifier = words[i];
  if (modifier === 'early' || modifier === 'mid' || modifier === 'late') {
    part = modifier;
    i++;
  }
  const word = words[i];
  if (word === undefined) return null;
  let decade: number | null = DECADE_WORDS[word] ?? null;
  const decadeDigits = /^(\d{2}|\d{4})s$/.exec(word);
  if (decadeDigits) {
    const n = Number(decadeDigits[1]);
    if (n < 100) decade = n < 20 ? 2000 + n : 1900 + n;
    else if (n >= MIN_YEAR && n <= MAX_YEAR) decade = n - (n % 10);
  }
  if (decade !== null && decade % 10 === 0) {
    const offsets = { early: [0, 3], mid: [3, 6], late: [6, 9] } as const;
    const [lo, hi] = part ? offsets[part] : [0, 9];
    return { length: i + 1 - at, from: decade + lo, to: decade + hi };
  }
  if (part === null && /^\d{4}$/.test(word)) {
    const year = Number(word);
    if (year >= MIN_YEAR && year <= MAX_YEAR) return { length: i + 1 - at, from: year, to: year };
  }
  return null;
}

/** "1990 to 1995", "80s - 90s", and written backwards ("1995-1990", "90s – 1885"): every year both ends cover. */
function spanning(a: { from: number; to: number }, b: { from: number; to: number }): RangeConstraint {
  return years(Math.min(a.from, b.from), Math.max(a.to, b.to));
}

function years(min: number | null, max: number | null): RangeConstraint {
  return { field: 'year', min, max };
}

function runtime(min: number | null, max: number | null): RangeConstraint {
  return { field: 'runtime', min, max };
}

/** What a bound means negated: "nothing before 1970" is "from 1970"; a closed range cannot be negated. */
function negateYears(c: RangeConstraint): RangeConstraint | null {
  if (c.min !== null && c.max !== null) return null;
  if (c.max !== null) return years(c.max + 1, null);
  if (c.min !== null) return years(null, c.min - 1);
  return null;
}

function negateRuntime(c: RangeConstraint): RangeConstraint | null {
  if (c.min !== null && c.max !== null) return null;
  return c.max !== null ? runtime(c.max, null) : runtime(null, c.min);
}

function readYearExpression(words: readonly string[], at: number, latestYear: number): TimeMatch | null {
  const word = words[at]!;
  const make = (length: number, c: RangeConstraint): TimeMatch => ({
    length,
    constraint: c,
    negated: negateYears(c),
  });
  const next = words[at + 1];
  // "new" means recent in "new movies" / "something new", not in "New York".
  const newMeansRecent = word !== 'new' || next === undefined || NEW_FOLLOWERS.has(next);
  if (RECENT_WORDS.has(word) && newMeansRecent) return make(1, years(latestYear - RECENT_YEARS, null));
  if (MODERN_WORDS.has(word)) return make(1, years(latestYear - MODERN_YEARS, null));
  if (words[at] === 'between') {
    const first = readYears(words, at + 1);
    const joiner = first ? at + 1 + first.length : -1;
    const second = first && words[joiner] === 'and' ? readYears(words, joiner + 1) : null;
    if (first && second) return make(joiner + 1 + second.length - at, spanning(first, second));
    return null;
  }
  for (const cue of YEAR_CUES) {
    if (!startsWith(words, at, cue.words)) continue;
    const span = readYears(words, at + cue.words.length);
    if (!span) continue;
    let end = at + cue.words.length + span.length;
    if (cue.bound === 'from' && RANGE_JOINERS.has(words[end] ?? '')) {
      const second = readYears(words, end + 1);
      if (second) return make(end + 1 + second.length - at, spanning(span, second));
    }
    end += suffixLength(words, end, SINCE_SUFFIXES);
    const isDecade = span.to > span.from;
    switch (cue.bound) {
      case 'before':
        return make(end - at, years(null, span.from - 1));
      case 'until':
        return make(end - at, years(null, span.to));
      case 'after':
        return make(end - at, years(span.to + 1, null));
      case 'since':
        return make(end - at, years(span.from, null));
      case 'from':
        // "from the 90s" is the decade; "from 2010" is 2010 onwards.
        return make(end - at, isDecade ? years(span.from, span.to) : years(span.from, null));
    }
  }
  const start = words[at] === 'in' ? at + 1 : at;
  const span = readYears(words, start);
  if (span) {
    let end = start + span.length;
    if (RANGE_JOINERS.has(words[end] ?? '') && words[end] !== 'and') {
      const second = readYears(words, end + 1);
      if (second) return make(end + 1 + second.length - at, spanning(span, second));
    }
    const since = suffixLength(words, end, SINCE_SUFFIXES);
    if (since > 0) return make(end + since - at, years(span.from, null));
    const until = suffixLength(words, end, UNTIL_SUFFIXES);
    if (until > 0) return make(end + until - at, years(null, span.to));
    end = start + span.length;
    return make(end - at, years(span.from, span.to));
  }
  const afterAge = /^(year|years|yr|yrs)$/.test(words[at - 1] ?? '');
  if (OLD_WORDS.has(word) && next !== 'than' && !afterAge) return make(1, years(null, CLASSIC_BEFORE - 1));
  return null;
}

/** "2 hours", "1.5 h", "90 min", "1h30", "an hour and a half" → minutes; a bare number only if `bare`. */
function readDuration(
  words: readonly string[],
  at: number,
  bare: boolean,
): { length: number; minutes: number } | null {
  const first = words[at];
  if (first === undefined) return null;
  if (first === 'half' && words[at + 1] === 'an' && words[at + 2] === 'hour')
    return { length: 3, minutes: 30 };
  const value = /^\d+(\.\d+)?$/.test(first) ? Number(first) : (NUMBER_WORDS[first] ?? null);
  if (value === null) return null;
  let i = at + 1;
  let extraHalf = false;
  if (startsWith(words, i, ['and', 'a', 'half'])) {
    extraHalf = true;
    i += 3;
  }
  const unit = words[i];
  if (unit !== undefined && HOUR_UNITS.has(unit)) {
    i++;
    let minutes = (value + (extraHalf ? 0.5 : 0)) * 60;
    if (startsWith(words, i, ['and', 'a', 'half'])) {
      minutes += 30;
      i += 3;
    } else if (/^\d{1,2}$/.test(words[i] ?? '')) {
      minutes += Number(words[i]);
      i++;
      if (MINUTE_UNITS.has(words[i] ?? '')) i++;
    }
    return minutes > 0 && minutes <= MAX_MINUTES ? { length: i - at, minutes: Math.round(minutes) } : null;
  }
  if (extraHalf) return null;
  if (unit !== undefined && MINUTE_UNITS.has(unit)) {
    return value > 0 && value <= MAX_MINUTES ? { length: i + 1 - at, minutes: Math.round(value) } : null;
  }
  if (!bare || !/^\d/.test(first)) return null;
  if (value > 0 && value <= MAX_BARE_HOURS) return { length: 1, minutes: Math.round(value * 60) };
  if (value >= MIN_BARE_MINUTES && value <= MAX_MINUTES) return { length: 1, minutes: value };
  return null;
}

function readRuntimeExpression(words: readonly string[], at: number): TimeMatch | null {
  const word = words[at]!;
  const make = (length: number, c: RangeConstraint): TimeMatch => ({
    length,
    constraint: c,
    negated: negateRuntime(c),
  });
  for (const cue of RUNTIME_CUES) {
    if (!startsWith(words, at, cue.words)) continue;
    const duration = readDuration(words, at + cue.words.length, true);
    if (!duration) continue;
    const length = cue.words.length + duration.length;
    return make(
      length,
      cue.bound === 'max' ? runtime(null, duration.minutes) : runtime(duration.minutes, null),
    );
  }
  const duration = readDuration(words, at, false);
  if (duration) {
    const end = at + duration.length;
    const min = suffixLength(words, end, MIN_SUFFIXES);
    if (min > 0) return make(duration.length + min, runtime(duration.minutes, null));
    const max = suffixLength(words, end, MAX_SUFFIXES);
    return make(duration.length + max, runtime(null, duration.minutes));
  }
  if (SHORT_WORDS.has(word) && words[at + 1] !== 'than') {
    return {
      length: 1,
      constraint: runtime(null, SHORT_MAX_MINUTES),
      negated: runtime(SHORT_MAX_MINUTES, null),
    };
  }
  if (LONG_WORDS.has(word) && words[at + 1] !== 'than') {
    return {
      length: 1,
      constraint: runtime(LONG_MIN_MINUTES, null),
      negated: runtime(null, NOT_LONG_MAX_MINUTES),
    };
  }
  return null;
}

/**
 * A year or running-time expression starting at `words[at]`, or null. `latestYear` anchors "recent"
 * (the catalog's newest year keeps parsing pure and reproducible).
 */
export function readTimeExpression(
  words: readonly string[],
  at: number,
  latestYear: number,
): TimeMatch | null {
  if (words[at] === undefined) return null;
  return readRuntimeExpression(words, at) ?? readYearExpression(words, at, latestYear);
}
