/**
 * The reading half of the IMDb import: three streaming passes over the dataset files that decide which
 * feature films to keep and gather their people, in memory bounded by the kept films rather than by the
 * files (title.principals alone is tens of millions of lines).
 */
import {
  field,
  forEachImdbRow,
  type ImdbFile,
  ImdbFormatError,
  imdbFilePath,
  imdbNumber,
  intField,
  listField,
  tconstOf,
} from './imdb-files.ts';
import { matchByTitleAndYear, type TitledRow, titleKeys } from './title-match.ts';

/**
 * Default `--min-votes`. IMDb has ~300k feature films with a rating; ~25k have 1,000 votes or more and
 * ~12k have 5,000. 1,000 keeps the films people have heard of, including recent and non-English ones,
 * and gives a catalog of ~25–30k films with ml-latest-small: the bench measures the bot at that size
 * (bench/README.md) within its latency and memory targets. Below 1,000 the catalog grows fast (~60k at
 * 200 votes) with films nobody will ask for, and every film costs memory in each bot process.
 */
export const DEFAULT_MIN_VOTES = 1_000;
/** Principal cast kept per film, in billing order: what a card shows and the content model uses. */
export const CAST_PER_FILM = 8;
/** Directors and writers kept per film (anthologies credit dozens). */
export const CREW_PER_FILM = 6;

/** IMDb genre names that MovieLens spells differently; other IMDb genres are kept as they are. */
const GENRE_NAMES: Record<string, string> = { Family: 'Children' };
/** IMDb genres that say nothing about a feature film. */
const IGNORED_GENRES = new Set(['Adult', 'News', 'Reality-TV', 'Talk-Show', 'Game-Show']);

export type ImdbStage = ImdbFile | 'movies';

export interface ImdbProgress {
  stage: ImdbStage;
  done: number;
  total: number;
}

/** A film the import keeps, with its people resolved to names. */
export interface ImdbFilm {
  imdbId: string;
  title: string;
  /** Only when it differs from `title`. */
  originalTitle: string | null;
  year: number | null;
  runtime: number | null;
  genres: string[];
  directors: string[];
  writers: string[];
  cast: string[];
  rating: number | null;
  votes: number | null;
  /** Kept for its votes (may become a new catalog item), not only because the catalog already has it. */
  byVotes: boolean;
  /** A catalog row without an IMDb id that is this film (matched by title and year). */
  linkTo: number | null;
}

/** What the catalog already holds, so films in it are kept whatever their votes. */
export interface CatalogLinks {
  /** IMDb ids of catalog movies (`tt0114709`). */
  imdbIds: Iterable<string>;
  /** Catalog movies without an IMDb id (the starter catalog), to match by title and year. */
  unlinked: readonly TitledRow[];
}

export interface ReadImdbOptions {
  minVotes?: number;
  catalog?: CatalogLinks;
  onProgress?: (p: ImdbProgress) => void;
}

export interface ImdbReadResult {
  films: ImdbFilm[];
  /** Feature films (titleType movie, not adult) in title.basics. */
  featureFilms: number;
  /** Kept because the catalog has them, by IMDb id or by title and year. */
  inCatalog: number;
}

/** Ratings of every title, in three parallel arrays sorted by tconst number (the file's order). */
class RatingTable {
  private ids = new Int32Array(1 << 16);
  private votes = new Int32Array(1 << 16);
  private tenths = new Uint8Array(1 << 16);
  private size = 0;
  private sorted = true;

  add(id: number, rating: number, votes: number): void {
    if (this.size === this.ids.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.ids = grow(this.ids, (n) => new Int32Array(n));
      this.votes = grow(this.votes, (n) => new Int32Array(n));
      this.tenths = grow(this.tenths, (n) => new Uint8Array(n));
    }
    if (this.size > 0 && this.ids[this.size - 1]! >= id) this.sorted = false;
    this.ids[this.size] = id;
    this.votes[this.size] = votes;
    this.tenths[this.size] = Math.round(rating * 10);
    this.size++;
  }

  /** Sorts by id if the file was not in order (it is, but nothing in the format promises it). */
  seal(): void {
    if (this.sorted) return;
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.ids[a]! - this.ids[b]!);
    const ids = new Int32Array(this.size);
    const votes = new Int32Array(this.size);
    const tenths = new Uint8Array(this.size);
    order.forEach((from, to) => {
      ids[to] = this.ids[from]!;
      votes[to] = this.votes[from]!;
      tenths[to] = this.tenths[from]!;
    });
    this.ids = ids;
    this.votes = votes;
    this.tenths = tenths;
    this.sorted = true;
  }

  get(id: number): { rating: number; votes: number } | undefined {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid]!;
      if (v === id) return { rating: this.tenths[mid]! / 10, votes: this.votes[mid]! };
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

interface Kept {
  id: number;
  title: string;
  originalTitle: string | null;
  year: number | null;
  runtime: number | null;
  genres: string[];
  rating: number | null;
  votes: number | null;
  byVotes: boolean;
  inCatalog: boolean;
  linkTo: number | null;
  directors: number[];
  writers: number[];
  /** [ordering, nconst] pairs, at most CAST_PER_FILM, lowest ordering first. */
  cast: [number, number][];
}

/** The number in a line's first field (`tt0111161\t…` → 111161), cheaply, or NaN. */
function leadingNumber(line: string): number {
  const tab = line.indexOf('\t');
  return Number(line.slice(2, tab));
}

/**
 * Reads an IMDb datasets directory (`.tsv.gz` or `.tsv` files) and returns the feature films to import:
 * titleType `movie`, not adult, with at least `minVotes` votes or already in the catalog (by IMDb id, or
 * by title and year for rows without one). Pass 1 reads title.ratings and title.basics and decides the
 * kept films; pass 2 reads title.crew and title.principals for them only; pass 3 reads name.basics for
 * the people they need.
 */
export async function readImdbDir(dir: string, options: ReadImdbOptions = {}): Promise<ImdbReadResult> {
  const minVotes = options.minVotes ?? DEFAULT_MIN_VOTES;
  const progress = options.onProgress ?? (() => {});
  const files = {
    basics: imdbFilePath(dir, 'title.basics'),
    ratings: imdbFilePath(dir, 'title.ratings'),
    crew: imdbFilePath(dir, 'title.crew'),
    principals: imdbFilePath(dir, 'title.principals'),
    names: imdbFilePath(dir, 'name.basics'),
  };
  const bytes = (stage: ImdbFile) => (p: { bytes: number; total: number }) =>
    progress({ stage, done: p.bytes, total: p.total });

  // Pass 1a: every rating, compactly (~1.5M titles → ~14 MB).
  const ratings = new RatingTable();
  await forEachImdbRow(
    files.ratings,
    'title.ratings',
    ([tconst, average, votes], line) => {
      const id = imdbNumber(tconst!, 'tt', 'title.ratings', line);
      const rating = Number(average);
      const count = intField(votes!, 'title.ratings', line, 'numVotes');
      if (!Number.isFinite(rating) || rating < 0 || rating > 10) {
        throw new ImdbFormatError(
          'title.ratings',
          line,
          `averageRating ${JSON.stringify(average)} is not 0–10`,
        );
      }
      ratings.add(id, rating, count ?? 0);
    },
    { onProgress: bytes('title.ratings') },
  );
  ratings.seal();

  // Pass 1b: the feature films to keep.
  const linked = new Set<number>();
  for (const id of options.catalog?.imdbIds ?? []) {
    const n = Number(id.replace(/^tt/, ''));
    if (Number.isInteger(n)) linked.add(n);
  }
  const unlinked = options.catalog?.unlinked.filter((r) => r.year !== null) ?? [];
  const unlinkedYears = new Map<string, number[]>();
  for (const row of unlinked) {
    for (const key of titleKeys(row.title)) {
      const years = unlinkedYears.get(key);
      if (years) years.push(row.year!);
      else unlinkedYears.set(key, [row.year!]);
    }
  }
  const kept = new Map<number, Kept>();
  const titleCandidates: Kept[] = [];
  let featureFilms = 0;
  await forEachImdbRow(
    files.basics,
    'title.basics',
    (f, line) => {
      const [tconst, titleType, primaryTitle, originalTitle, isAdult, startYear, runtime, genres] = f;
      if (titleType !== 'movie' || isAdult !== '0') return;
      featureFilms++;
      const id = imdbNumber(tconst!, 'tt', 'title.basics', line);
      const rated = ratings.get(id);
      const byVotes = (rated?.votes ?? 0) >= minVotes;
      const inCatalog = linked.has(id);
      const year = intField(startYear!, 'title.basics', line, 'startYear');
      const title = field(primaryTitle!) ?? field(originalTitle!);
      if (title === null) return;
      const matchesTitle =
        !byVotes && !inCatalog && year !== null && unlinkedYears.size > 0 && titleMatches(title, year);
      if (!byVotes && !inCatalog && !matchesTitle) return;
      const original = field(originalTitle!);
      const film: Kept = {
        id,
        title,
        originalTitle: original !== null && original !== title ? original : null,
        year,
        runtime: intField(runtime!, 'title.basics', line, 'runtimeMinutes'),
        genres: filmGenres(genres!),
        rating: rated?.rating ?? null,
        votes: rated?.votes ?? null,
        byVotes,
        inCatalog,
        linkTo: null,
        directors: [],
        writers: [],
        cast: [],
      };
      if (matchesTitle) titleCandidates.push(film);
      else kept.set(id, film);
      // Films kept for their votes may still be a starter row's film: they are candidates too.
      if (byVotes && !inCatalog && year !== null && unlinkedYears.size > 0 && titleMatches(title, year)) {
        titleCandidates.push(film);
      }
    },
    {
      onProgress: bytes('title.basics'),
      // Most of title.basics is episodes, shorts and series: skip them before splitting the line.
      filter: (line) => line.includes('\tmovie\t'),
    },
  );

  function titleMatches(title: string, year: number): boolean {
    return titleKeys(title).some((key) => unlinkedYears.get(key)?.some((y) => Math.abs(y - year) <= 1));
  }

  // The catalog rows without an IMDb id get at most one film each, the most voted among equals.
  const candidates = [...new Set(titleCandidates)].sort(
    (a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.id - b.id,
  );
  const matches = matchByTitleAndYear(
    unlinked,
    candidates.map((c, rank) => ({ id: rank, title: c.title, year: c.year })),
  );
  let inCatalog = [...kept.values()].filter((k) => k.inCatalog).length;
  for (const [rowId, rank] of matches) {
    const film = candidates[rank]!;
    film.linkTo = rowId;
    kept.set(film.id, film);
    inCatalog++;
  }

  // Pass 2: directors, writers and billed cast of the kept films.
  const isKept = (line: string) => kept.has(leadingNumber(line));
  await forEachImdbRow(
    files.crew,
    'title.crew',
    ([tconst, directors, writers], line) => {
      const film = kept.get(imdbNumber(tconst!, 'tt', 'title.crew', line))!;
      film.directors = people(directors!, line, 'title.crew');
      film.writers = people(writers!, line, 'title.crew');
    },
    { onProgress: bytes('title.crew'), filter: isKept },
  );
  await forEachImdbRow(
    files.principals,
    'title.principals',
    ([tconst, ordering, nconst, category], line) => {
      if (category !== 'actor' && category !== 'actress') return;
      const film = kept.get(imdbNumber(tconst!, 'tt', 'title.principals', line))!;
      const order = intField(ordering!, 'title.principals', line, 'ordering') ?? Number.MAX_SAFE_INTEGER;
      const person = imdbNumber(nconst!, 'nm', 'title.principals', line);
      if (film.cast.some(([, p]) => p === person)) return;
      film.cast.push([order, person]);
      film.cast.sort((a, b) => a[0] - b[0]);
      if (film.cast.length > CAST_PER_FILM) film.cast.pop();
    },
    { onProgress: bytes('title.principals'), filter: isKept },
  );

  // Pass 3: the names of the people those films need.
  const needed = new Set<number>();
  for (const film of kept.values()) {
    for (const p of film.directors) needed.add(p);
    for (const p of film.writers) needed.add(p);
    for (const [, p] of film.cast) needed.add(p);
  }
  const names = new Map<number, string>();
  await forEachImdbRow(
    files.names,
    'name.basics',
    ([nconst, name], line) => {
      const value = field(name!);
      if (value !== null) names.set(imdbNumber(nconst!, 'nm', 'name.basics', line), value);
    },
    { onProgress: bytes('name.basics'), filter: (line) => needed.has(leadingNumber(line)) },
  );

  const named = (ids: number[]) => ids.map((id) => names.get(id)).filter((n): n is string => n !== undefined);
  const films = [...kept.values()]
    .sort((a, b) => a.id - b.id)
    .map(
      (k): ImdbFilm => ({
        imdbId: tconstOf(k.id),
        title: k.title,
        originalTitle: k.originalTitle,
        year: k.year,
        runtime: k.runtime,
        genres: k.genres,
        directors: named(k.directors),
        writers: named(k.writers),
        cast: named(k.cast.map(([, p]) => p)),
        rating: k.rating,
        votes: k.votes,
        byVotes: k.byVotes,
        linkTo: k.linkTo,
      }),
    );
  return { films, featureFilms, inCatalog };
}

function people(raw: string, line: number, file: string): number[] {
  return [...new Set(listField(raw).map((n) => imdbNumber(n, 'nm', file, line)))].slice(0, CREW_PER_FILM);
}

/** IMDb genres in MovieLens' spelling where it differs, sorted, without the non-film ones. */
function filmGenres(raw: string): string[] {
  const genres = listField(raw)
    .filter((g) => !IGNORED_GENRES.has(g))
    .map((g) => GENRE_NAMES[g] ?? g);
  return [...new Set(genres)].sort();
}
