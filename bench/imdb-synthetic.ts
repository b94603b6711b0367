/**
 * A synthetic IMDb datasets directory in the official format (gzipped TSV, header line, `\N`, comma
 * lists), generated at run time for the bench and never committed. It has the shape an import at the
 * default `--min-votes` meets: every ml-latest-small film (by its links.csv IMDb id) plus `films` more
 * feature films above the vote threshold, as many below it, and TV episodes and shorts as noise; 10
 * principals per film (8 of them actors), one or two directors and writers, and a pool of people shared
 * between films the way real careers are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { mulberry32 } from '../src/random.ts';

const GENRES = [
  'Action',
  'Adventure',
  'Animation',
  'Biography',
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Family',
  'Fantasy',
  'History',
  'Horror',
  'Music',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];
const WORDS = [
  'Night',
  'River',
  'Last',
  'Silent',
  'Red',
  'City',
  'Dream',
  'Glass',
  'North',
  'Storm',
  'Summer',
  'Ghost',
  'Iron',
  'Paper',
  'Wild',
  'Lost',
  'Golden',
  'Broken',
  'Secret',
  'Winter',
];
const FIRST = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Eva',
  'Farid',
  'Greta',
  'Hiro',
  'Inès',
  'Jonas',
  'Kemi',
  'Luis',
  'Maya',
  'Nils',
  'Olga',
  'Pedro',
  'Rosa',
  'Sven',
  'Tomás',
  'Yara',
];
const LAST = [
  'Adler',
  'Brandt',
  'Castro',
  'Duval',
  'Eriksen',
  'Fischer',
  'García',
  'Haddad',
  'Ito',
  'Jansen',
  'Kowalski',
  'Laurent',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Quinn',
  'Rossi',
  'Silva',
  'Tanaka',
];

export interface SyntheticImdbOptions {
  /** Feature films above the vote threshold that MovieLens does not have. */
  films: number;
  /** ml-latest-small directory whose links.csv gives the catalog's IMDb ids (optional). */
  movieLensDir?: string;
  minVotes?: number;
  seed?: number;
}

export interface SyntheticImdbSummary {
  dir: string;
  /** Feature films above the threshold (kept), from MovieLens, below it, and other title types. */
  aboveThreshold: number;
  fromMovieLens: number;
  belowThreshold: number;
  otherTitles: number;
  people: number;
  bytes: number;
}

/** A gzip TSV writer that respects back-pressure. */
function tsvWriter(file: string, header: string[]) {
  const gzip = createGzip({ level: 1 });
  const out = fs.createWriteStream(file);
  gzip.pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    gzip.on('error', reject);
  });
  let buffer = `${header.join('\t')}\n`;
  return {
    async row(fields: (string | number)[]) {
      buffer += `${fields.join('\t')}\n`;
      if (buffer.length > 1 << 16) {
        const ok = gzip.write(buffer);
        buffer = '';
        if (!ok) await new Promise<void>((r) => gzip.once('drain', () => r()));
      }
    },
    async close() {
      gzip.end(buffer);
      await done;
    },
  };
}

/** Writes the five files into `dir` and returns what they hold. */
export async function writeSyntheticImdb(
  dir: string,
  options: SyntheticImdbOptions,
): Promise<SyntheticImdbSummary> {
  fs.mkdirSync(dir, { recursive: true });
  const random = mulberry32(options.seed ?? 7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const minVotes = options.minVotes ?? 1_000;
  const movieLensIds: number[] = [];
  if (options.movieLensDir) {
    const links = parse(fs.readFileSync(path.join(options.movieLensDir, 'links.csv')), { columns: true }) as {
      imdbId: string;
    }[];
    for (const l of links) if (/^\d+$/.test(l.imdbId)) movieLensIds.push(Number(l.imdbId));
  }
  const people = Math.max(2_000, Math.round((options.films + movieLensIds.length) * 2.5));

  const basics = tsvWriter(path.join(dir, 'title.basics.tsv.gz'), [
    'tconst',
    'titleType',
    'primaryTitle',
    'originalTitle',
    'isAdult',
    'startYear',
    'endYear',
    'runtimeMinutes',
    'genres',
  ]);
  const ratings = tsvWriter(path.join(dir, 'title.ratings.tsv.gz'), ['tconst', 'averageRating', 'numVotes']);
  const crew = tsvWriter(path.join(dir, 'title.crew.tsv.gz'), ['tconst', 'directors', 'writers']);
  const principals = tsvWriter(path.join(dir, 'title.principals.tsv.gz'), [
    'tconst',
    'ordering',
    'nconst',
    'category',
    'job',
    'characters',
  ]);
  const nm = (n: number) => `nm${String(n).padStart(7, '0')}`;
  const person = () => 1 + Math.floor(random() ** 1.6 * people);

  // Titles in tconst order, as IMDb's files are: MovieLens' ids are real ones (< 10M); ours start above.
  const ids: { id: number; kind: 'ml' | 'above' | 'below' | 'episode' | 'short' }[] = movieLensIds
    .sort((a, b) => a - b)
    .map((id) => ({ id, kind: 'ml' as const }));
  let next = 20_000_000;
  const kinds: ('above' | 'below' | 'episode' | 'short')[] = [];
  for (let i = 0; i < options.films; i++) kinds.push('above', 'below');
  for (let i = 0; i < options.films / 2; i++) kinds.push('episode', 'short');
  for (const kind of kinds.sort(() => random() - 0.5)) ids.push({ id: next++, kind });

  for (const { id, kind } of ids) {
    const tconst = `tt${String(id).padStart(7, '0')}`;
    const title = `${pick(WORDS)} ${pick(WORDS)} ${id % 1000}`;
    const year = 1930 + Math.floor(random() ** 0.6 * 96);
    const type = kind === 'episode' ? 'tvEpisode' : kind === 'short' ? 'short' : 'movie';
    const runtime = random() < 0.05 ? '\\N' : String(kind === 'short' ? 12 : 75 + Math.floor(random() * 90));
    const genres = [...new Set([pick(GENRES), pick(GENRES), pick(GENRES)])].slice(
      0,
      1 + Math.floor(random() * 3),
    );
    await basics.row([tconst, type, title, title, 0, year, '\\N', runtime, genres.join(',')]);
    const votes =
      kind === 'below'
        ? 5 + Math.floor(random() * (minVotes - 5))
        : minVotes + Math.floor(random() ** 3 * 2_000_000);
    await ratings.row([tconst, (1 + random() * 9).toFixed(1), votes]);
    const directors = Array.from({ length: random() < 0.1 ? 2 : 1 }, () => nm(person()));
    const writers = Array.from({ length: 1 + Math.floor(random() * 2) }, () => nm(person()));
    await crew.row([tconst, directors.join(','), writers.join(',')]);
    for (let o = 1; o <= 10; o++) {
      const category = o <= 8 ? (random() < 0.5 ? 'actor' : 'actress') : o === 9 ? 'director' : 'composer';
      await principals.row([
        tconst,
        o,
        nm(category === 'director' ? Number(directors[0]!.slice(2)) : person()),
        category,
        '\\N',
        '\\N',
      ]);
    }
  }
  await Promise.all([basics.close(), ratings.close(), crew.close(), principals.close()]);

  const names = tsvWriter(path.join(dir, 'name.basics.tsv.gz'), [
    'nconst',
    'primaryName',
    'birthYear',
    'deathYear',
    'primaryProfession',
    'knownForTitles',
  ]);
  for (let n = 1; n <= people; n++) {
    await names.row([
      nm(n),
      `${pick(FIRST)} ${pick(LAST)} ${n}`,
      1900 + Math.floor(random() * 100),
      '\\N',
      'actor',
      '\\N',
    ]);
  }
  await names.close();
  const bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  return {
    dir,
    aboveThreshold: options.films,
    fromMovieLens: movieLensIds.length,
    belowThreshold: options.films,
    otherTitles: options.films,
    people,
    bytes,
  };
}
