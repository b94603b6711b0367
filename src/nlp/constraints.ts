import type { ItemMeta, Steering, UserState } from '../recommend/types.ts';
import { describeRange, displayGenre } from './describe-preferences.ts';
import type { ParsedPreferences } from './types.ts';

/**
 * From a parsed request to what the recommender takes: a hard filter, soft steering, and — when the hard
 * constraints leave nothing — an explicit, explained relaxation.
 *
 * Policy: excluded genres, year bounds and running-time bounds are hard. Named genres are hard as
 * "at least one of them" ("90s sci-fi" shows only Sci-Fi films) and also steer, so films with several of the
 * named genres rank higher ("funny sci-fi" prefers Comedy+Sci-Fi). Named people are hard the same way ("with
 * Tom Hanks" shows films he directed or plays in) and steer. Titles ("like Alien") and keywords only steer.
 * The titles named as examples are left out of the results. Excluded genres are never relaxed.
 *
 * Unknown values are not failures: a film whose running time is unknown is kept by a length bound, after
 * the films known to fit (see {@link RecommendRequest.tiers}), and the reply says how many there are.
 */

/** Years added on each side per widening step ("1950s" → 1940–1969 → 1930–1979). */
export const YEAR_WIDENING_STEP = 10;
export const MAX_YEAR_WIDENINGS = 2;

/** The hard part of a request. */
export interface HardConstraints {
  /** Eligible items have at least one of these (empty = any genre). */
  anyGenre: readonly string[];
  excludeGenres: readonly string[];
  yearFrom: number | null;
  yearTo: number | null;
  minRuntime: number | null;
  maxRuntime: number | null;
  /** Eligible items have at least one of these people as director or cast (empty = anyone). */
  anyPerson: readonly string[];
  excludeIds: readonly number[];
}

export type ItemFilter = (item: ItemMeta) => boolean;

export interface RecommendRequest {
  /** Hard constraints after any relaxation: pass as `RecommendOptions.filter`. */
  filter: ItemFilter;
  /**
   * Stricter filters whose items come first, most exact first: the request as asked with known values
   * only, then as asked keeping unknown running times, then {@link filter}. Empty when `filter` alone is
   * the request as asked. Use {@link fillInTiers}.
   */
  tiers: ItemFilter[];
  steer: Steering;
  /** Human lines about what was relaxed or ignored; empty when the request was taken as asked. */
  relaxations: string[];
  constraints: HardConstraints;
  /** Items passing `filter`. */
  eligible: number;
}

export interface BuildOptions {
  /** Relax until at least this many items are eligible (default 1). */
  minEligible?: number;
}

/**
 * Whether `item` satisfies `c`. An unknown year fails a bound on it; an unknown running time passes a
 * length bound unless `knownRuntimeOnly`.
 */
export function satisfies(item: ItemMeta, c: HardConstraints, knownRuntimeOnly = false): boolean {
  if (c.excludeIds.includes(item.id)) return false;
  if (c.excludeGenres.length > 0 && item.genres.some((g) => c.excludeGenres.includes(g))) return false;
  if (c.anyGenre.length > 0 && !item.genres.some((g) => c.anyGenre.includes(g))) return false;
  if (c.yearFrom !== null || c.yearTo !== null) {
    if (item.year === null) return false;
    if (c.yearFrom !== null && item.year < c.yearFrom) return false;
    if (c.yearTo !== null && item.year > c.yearTo) return false;
  }
  if (c.anyPerson.length > 0 && !hasPerson(item, c.anyPerson)) return false;
  // Last: an unknown running time decides the answer alone, every other constraint already checked.
  if (c.minRuntime !== null || c.maxRuntime !== null) {
    if (item.runtime === null) return !knownRuntimeOnly;
    if (c.minRuntime !== null && item.runtime < c.minRuntime) return false;
    if (c.maxRuntime !== null && item.runtime > c.maxRuntime) return false;
  }
  return true;
}

function hasPerson(item: ItemMeta, people: readonly string[]): boolean {
  for (const name of item.directors) if (people.includes(name)) return true;
  for (const name of item.cast) if (people.includes(name)) return true;
  for (const name of item.writers ?? []) if (people.includes(name)) return true;
  return false;
}

function count(items: readonly ItemMeta[], c: HardConstraints, knownRuntimeOnly = false): number {
  let n = 0;
  for (const item of items) if (satisfies(item, c, knownRuntimeOnly)) n++;
  return n;
}

/** "western films from the 1950s of at most 90 min without horror" — for relaxation messages. */
export function describeConstraints(c: HardConstraints): string {
  const genres = c.anyGenre.length > 0 ? `${c.anyGenre.map(displayGenre).join('/')} films` : 'films';
  const parts = [genres];
  if (c.yearFrom !== null && c.yearTo !== null && c.yearFrom % 10 === 0 && c.yearTo === c.yearFrom + 9) {
    parts.push(`from the ${c.yearFrom}s`);
  } else {
    const years = describeRange(c.yearFrom, c.yearTo);
    if (years) parts.push(years.startsWith('from') || years.startsWith('up') ? years : `from ${years}`);
  }
  const runtime = describeRange(c.minRuntime, c.maxRuntime, ' min');
  if (runtime) parts.push(`of ${runtime.replace(/^from /, 'at least ').replace(/^up to /, 'at most ')}`);
  if (c.anyPerson.length > 0) parts.push(`with ${c.anyPerson.join(' or ')}`);
  if (c.excludeGenres.length > 0) parts.push(`without ${c.excludeGenres.map(displayGenre).join(', ')}`);
  return parts.join(' ');
}

/** Relaxation steps, gentlest first; each returns null when it does not apply. */
function relaxationSteps(): ((c: HardConstraints) => HardConstraints | null)[] {
  const widen = (c: HardConstraints): HardConstraints | null =>
    c.yearFrom === null && c.yearTo === null
      ? null
      : {
          ...c,
          yearFrom: c.yearFrom === null ? null : c.yearFrom - YEAR_WIDENING_STEP,
          yearTo: c.yearTo === null ? null : c.yearTo + YEAR_WIDENING_STEP,
        };
  return [
    ...Array.from({ length: MAX_YEAR_WIDENINGS }, () => widen),
    (c) =>
      c.minRuntime === null && c.maxRuntime === null ? null : { ...c, minRuntime: null, maxRuntime: null },
    (c) => (c.yearFrom === null && c.yearTo === null ? null : { ...c, yearFrom: null, yearTo: null }),
    (c) => (c.anyGenre.length === 0 ? null : { ...c, anyGenre: [] }),
    (c) => (c.anyPerson.length === 0 ? null : { ...c, anyPerson: [] }),
  ];
}

/**
 * Turns a parse into recommender input over the catalog `items`. When fewer than `minEligible` items pass
 * the hard constraints, they are relaxed step by step (widen years by a decade each side, twice; drop the
 * running time; drop the years; drop the named genres; drop the named people) and `relaxations` says so
 * truthfully: "No western films from the 1950s; showing western films from 1940–1969 instead." or, when a
 * few did fit, "Only 2 sci-fi films from 1977; adding sci-fi films from 1967–1987 after them." The films
 * that fit the request as asked always come first ({@link RecommendRequest.tiers}).
 */
export function buildRecommendRequest(
  parsed: ParsedPreferences,
  items: readonly ItemMeta[],
  options: BuildOptions = {},
): RecommendRequest {
  const minEligible = Math.max(1, options.minEligible ?? 1);
  const relaxations: string[] = [];
  let constraints: HardConstraints = {
    anyGenre: parsed.genres.include,
    excludeGenres: parsed.genres.exclude,
    yearFrom: parsed.yearFrom,
    yearTo: parsed.yearTo,
    minRuntime: parsed.minRuntime,
    maxRuntime: parsed.maxRuntime,
    anyPerson: parsed.people,
    excludeIds: parsed.similarTo.map((s) => s.id),
  };
  const unknownPeople = parsed.unknownPeople ?? [];
  if (unknownPeople.length > 0) {
    const names = unknownPeople.join(' or ');
    relaxations.push(
      items.some(
        (item) => item.directors.length > 0 || item.cast.length > 0 || (item.writers?.length ?? 0) > 0,
      )
        ? `I don't know anyone called ${names} in this catalog, so they were left out of the search.`
        : `This catalog has no cast or director information yet, so I can't look for films with ${names}.`,
    );
  }
  const runtimeAsked = constraints.minRuntime !== null || constraints.maxRuntime !== null;
  if (runtimeAsked && !items.some((item) => item.runtime !== null)) {
    relaxations.push(
      'Running times are not known for this catalog, so the length was not taken into account.',
    );
    constraints = { ...constraints, minRuntime: null, maxRuntime: null };
  }
  const asked = constraints;
  const known = count(items, asked, true);
  let eligible = count(items, asked);
  if (eligible < minEligible) {
    for (const step of relaxationSteps()) {
      const next = step(constraints);
      if (!next) continue;
      constraints = next;
      eligible = count(items, constraints);
      if (eligible >= minEligible) break;
    }
    const askedCount = count(items, asked);
    relaxations.push(
      eligible === 0
        ? `Nothing in the catalog matches ${describeConstraints(asked)}, even with looser limits.`
        : askedCount === 0
          ? `No ${describeConstraints(asked)}; showing ${describeConstraints(constraints)} instead.`
          : `Only ${askedCount.toLocaleString('en-US')} ${askedCount === 1 ? 'film fits' : 'films fit'} (${describeConstraints(asked)}); adding ${describeConstraints(constraints).replace(/^films$/, 'other films')} after ${askedCount === 1 ? 'it' : 'them'}.`,
    );
  }
  const unknownRuntime = count(items, asked) - known;
  if (unknownRuntime > 0 && (asked.minRuntime !== null || asked.maxRuntime !== null)) {
    const films = `${unknownRuntime.toLocaleString('en-US')} ${unknownRuntime === 1 ? 'film' : 'films'}`;
    relaxations.push(
      known === 0
        ? `Running time unknown for the ${films} that otherwise fit, so their length could not be checked.`
        : `Running time unknown for ${films} that otherwise fit; ${unknownRuntime === 1 ? 'it comes' : 'they come'} after the films known to fit.`,
    );
  }
  const final = constraints;
  const tiers: ItemFilter[] = [];
  if (unknownRuntime > 0 && known > 0) tiers.push((item) => satisfies(item, asked, true));
  if (final !== asked) tiers.push((item) => satisfies(item, asked));
  return {
    filter: (item) => satisfies(item, final),
    tiers,
    steer: {
      genres: parsed.genres.include,
      similarTo: parsed.similarTo.map((s) => s.id),
      keywords: parsed.keywords,
      people: parsed.people,
    },
    relaxations,
    constraints: final,
    eligible,
  };
}

/**
 * Up to `n` results, the items of each tier before those of the next, and then those of `filter`:
 * `fetch(k, f)` returns the best `k` items passing `f` (one recommender call per tier that is needed).
 * Each result carries the index of the tier it came from (`tiers.length` for `filter`'s), so a page
 * that is re-ordered keeps the asked-for films first.
 */
export function fillInTiers<T extends { item: number }>(
  n: number,
  tiers: readonly ItemFilter[],
  filter: ItemFilter | undefined,
  fetch: (k: number, filter: ItemFilter | undefined) => T[],
): (T & { tier: number })[] {
  if (tiers.length === 0) return fetch(n, filter).map((r) => ({ ...r, tier: 0 }));
  const out: (T & { tier: number })[] = [];
  const taken = new Set<number>();
  const all = [...tiers, filter ?? (() => true)];
  for (let tier = 0; tier < all.length && out.length < n; tier++) {
    const pass = all[tier]!;
    for (const r of fetch(n - out.length, (item) => !taken.has(item.id) && pass(item))) {
      taken.add(r.item);
      out.push({ ...r, tier });
    }
  }
  return out;
}

/** Stored `/prefs` as UserState fields: liked genres steer, avoided genres are filtered. */
export function preferencesToUserState(
  prefs: ParsedPreferences,
): Pick<UserState, 'likedGenres' | 'avoidedGenres'> {
  return { likedGenres: [...prefs.genres.include], avoidedGenres: [...prefs.genres.exclude] };
}

/**
 * A request on top of stored `/prefs`: what the request says wins; stored exclusions and year bounds apply
 * where the request is silent ("/prefs: nothing before 1970" then "/recommend funny" stays after 1970), and a
 * genre the request asks for is no longer excluded ("/prefs: no horror" then "/recommend horror").
 */
export function mergeStoredPreferences(
  request: ParsedPreferences,
  stored: ParsedPreferences,
): ParsedPreferences {
  const askedYears = request.yearFrom !== null || request.yearTo !== null;
  const askedRuntime = request.minRuntime !== null || request.maxRuntime !== null;
  const exclude = [...new Set([...request.genres.exclude, ...stored.genres.exclude])].filter(
    (g) => !request.genres.include.includes(g),
  );
  return {
    ...request,
    genres: { include: request.genres.include, exclude },
    yearFrom: askedYears ? request.yearFrom : stored.yearFrom,
    yearTo: askedYears ? request.yearTo : stored.yearTo,
    minRuntime: askedRuntime ? request.minRuntime : stored.minRuntime,
    maxRuntime: askedRuntime ? request.maxRuntime : stored.maxRuntime,
  };
}

/** The user with the request's explicit genres taken off their avoided list (a request overrides `/prefs`). */
export function applyRequestToUser(user: UserState, parsed: ParsedPreferences): UserState {
  if (!user.avoidedGenres || parsed.genres.include.length === 0) return user;
  return { ...user, avoidedGenres: user.avoidedGenres.filter((g) => !parsed.genres.include.includes(g)) };
}
