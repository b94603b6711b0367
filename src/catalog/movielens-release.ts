/**
 * Checks a MovieLens directory against what its release publishes, so a `ratings.csv` cut short at a
 * line boundary (every line still well-formed) is not imported as if it were the whole release.
 *
 * Every GroupLens release ships a README.txt that names it and states its counts ("This dataset
 * (ml-latest-small) … contains 100836 ratings and 3683 tag applications across 9742 movies. These data
 * were created by 610 users"); those counts are read from the README at run time, so any release in
 * this layout (ml-latest, ml-25m, ml-32m) is checked. For ml-latest-small, whose files have not changed
 * since its 2018-09-26 release, the MD5 of each file is also known (see {@link KNOWN_CHECKSUMS}).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';

/** What a release publishes about itself, and what was read. */
export interface MovieLensCounts {
  ratings: number;
  tags: number;
  movies: number;
  users: number;
}

/**
 * MD5 of each file of ml-latest-small as GroupLens distributes it (generated 2018-09-26). Computed from
 * a copy whose row counts match the README's published ones exactly; `tests/catalog/movielens-release`
 * recomputes them from the shared copy of the release, so a wrong value here fails a test.
 */
export const KNOWN_CHECKSUMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'ml-latest-small': {
    'ratings.csv': '325a6f09399d1c45671f187505e1a100',
    'movies.csv': 'ed94fab72b62442ef8150d9446e000d6',
    'tags.csv': '1b2d21a7be1cc23d327b11155a4a6aea',
    'links.csv': '316913f95cdad64c745ca22f3630e230',
  },
};

const COUNT_FILES: Record<keyof MovieLensCounts, string> = {
  ratings: 'ratings.csv',
  tags: 'tags.csv',
  movies: 'movies.csv',
  users: 'ratings.csv',
};

/** The release a README.txt names and the counts it states (absent when it does not state them). */
export function parseReleaseReadme(readme: string): {
  name: string | null;
  counts: Partial<MovieLensCounts>;
} {
  const name = /This dataset \((ml-[\w.-]+)\)/.exec(readme)?.[1] ?? null;
  const counts: Partial<MovieLensCounts> = {};
  const num = (re: RegExp) => {
    const m = re.exec(readme);
    return m ? Number(m[1]) : undefined;
  };
  const ratings = num(/contains (\d+) ratings/);
  const tags = num(/(\d+) tag applications/);
  const movies = num(/across (\d+) movies/);
  const users = num(/created by (\d+) users/);
  if (ratings !== undefined) counts.ratings = ratings;
  if (tags !== undefined) counts.tags = tags;
  if (movies !== undefined) counts.movies = movies;
  if (users !== undefined) counts.users = users;
  return { name, counts };
}

export interface ReleaseCheck {
  /** The release the README names, or null for an unknown dataset. */
  release: string | null;
  /** Differences from what the release publishes (a truncated or altered file). */
  mismatches: string[];
  /** What could not be checked, for a warning. */
  unverified: string[];
  /** Why the release is unknown, when it is. */
  unknownBecause?: string;
}

function md5(file: string): string {
  return createHash('md5').update(fs.readFileSync(file)).digest('hex');
}

/** Compares `observed` (rows read from the files) and the files' checksums with what the release publishes. */
export function checkRelease(dir: string, observed: MovieLensCounts): ReleaseCheck {
  const readmePath = path.join(dir, 'README.txt');
  const unknown = (unknownBecause: string): ReleaseCheck => ({
    release: null,
    mismatches: [],
    unverified: ['the row counts and checksums of ratings.csv, movies.csv and tags.csv'],
    unknownBecause,
  });
  if (!fs.existsSync(readmePath)) return unknown('no README.txt naming a MovieLens release');
  const { name, counts } = parseReleaseReadme(fs.readFileSync(readmePath, 'utf8'));
  if (!name) return unknown('its README.txt names no MovieLens release');
  const mismatches: string[] = [];
  const unverified: string[] = [];
  for (const key of Object.keys(COUNT_FILES) as (keyof MovieLensCounts)[]) {
    const expected = counts[key];
    if (expected === undefined) {
      unverified.push(`the number of ${key} (README.txt does not state it)`);
    } else if (observed[key] !== expected) {
      const short = observed[key] < expected ? ' (truncated?)' : '';
      mismatches.push(
        `${COUNT_FILES[key]} has ${observed[key].toLocaleString('en-US')} ${key}; ${name} publishes ${expected.toLocaleString('en-US')}${short}`,
      );
    }
  }
  const sums = KNOWN_CHECKSUMS[name];
  if (sums) {
    for (const [file, expected] of Object.entries(sums)) {
      const filePath = path.join(dir, file);
      if (!fs.existsSync(filePath)) continue;
      const actual = md5(filePath);
      if (actual !== expected)
        mismatches.push(`${file} is not the published ${name} file (MD5 ${actual}, expected ${expected})`);
    }
  } else {
    unverified.push(`file checksums (none known for ${name})`);
  }
  return { release: name, mismatches, unverified };
}

/**
 * Refuses a known release that does not match what it publishes, unless `force`; with `force`, and for
 * what could not be checked, returns warnings to print.
 */
export function enforceRelease(dir: string, observed: MovieLensCounts, force: boolean): string[] {
  const check = checkRelease(dir, observed);
  const warnings: string[] = [];
  if (check.mismatches.length > 0) {
    const details = check.mismatches.join('; ');
    if (!force) {
      throw new UserError(
        'movielens-incomplete',
        `${dir} does not match the published ${check.release}: ${details}. Fetch the release again, or pass --force to import it as it is.`,
      );
    }
    warnings.push(
      `NOT THE PUBLISHED ${check.release!.toUpperCase()} (imported because of --force): ${details}`,
    );
  }
  if (check.unverified.length > 0) {
    const who = check.release ?? `unknown dataset (${check.unknownBecause})`;
    warnings.push(`${who}: could not verify ${check.unverified.join('; ')}`);
  }
  return warnings;
}
