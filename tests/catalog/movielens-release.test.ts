import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMovieLensDir } from '../../src/catalog/movielens-files.ts';
import { KNOWN_CHECKSUMS, parseReleaseReadme } from '../../src/catalog/movielens-release.ts';
import { describeWithMovieLens, hasMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';
import { removeFixtureDirs, SMALL_DATASET, writeMovieLensDir } from './fixtures.ts';

afterAll(removeFixtureDirs);

/** A README in GroupLens' wording, for a made-up release with the small fixture's counts. */
const readme = (counts: { ratings: number; tags: number; movies: number; users: number }) =>
  `This dataset (ml-fixture) describes 5-star rating and free-text tagging activity. It contains ${counts.ratings} ratings and ${counts.tags} tag applications across ${counts.movies} movies. These data were created by ${counts.users} users between 1996 and 2018.`;

describe('MovieLens release checks', () => {
  it('reads the published counts from a GroupLens README', () => {
    expect(parseReleaseReadme(readme({ ratings: 100836, tags: 3683, movies: 9742, users: 610 }))).toEqual({
      name: 'ml-fixture',
      counts: { ratings: 100836, tags: 3683, movies: 9742, users: 610 },
    });
  });

  it('accepts a release whose files hold what its README publishes, noting that no checksums are known', () => {
    const dir = writeMovieLensDir({
      ...SMALL_DATASET,
      'README.txt': readme({ ratings: 6, tags: 4, movies: 6, users: 3 }),
    });
    expect(readMovieLensDir(dir).warnings).toEqual([
      'ml-fixture: could not verify file checksums (none known for ml-fixture)',
    ]);
  });

  it('refuses a ratings.csv cut at a line boundary, and imports it with --force under a loud warning', () => {
    const lines = SMALL_DATASET['ratings.csv']!.trimEnd().split('\n');
    const dir = writeMovieLensDir({
      ...SMALL_DATASET,
      'ratings.csv': `${lines.slice(0, 4).join('\n')}\n`,
      'README.txt': readme({ ratings: 6, tags: 4, movies: 6, users: 3 }),
    });
    expect(() => readMovieLensDir(dir)).toThrow(
      expect.objectContaining({
        code: 'movielens-incomplete',
        message: expect.stringContaining('ratings.csv has 3 ratings; ml-fixture publishes 6 (truncated?)'),
      }),
    );
    const forced = readMovieLensDir(dir, { force: true });
    expect(forced.ratings).toHaveLength(3);
    expect(forced.warnings[0]).toMatch(
      /^NOT THE PUBLISHED ML-FIXTURE \(imported because of --force\): ratings\.csv has 3 ratings/,
    );
  });
});

describeWithMovieLens('ml-latest-small against its published counts and checksums', () => {
  const tmp: string[] = [];
  afterAll(() => {
    for (const dir of tmp) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the checksums this code knows are those of the shared copy, whose counts match the README', () => {
    for (const [file, sum] of Object.entries(KNOWN_CHECKSUMS['ml-latest-small']!)) {
      expect(
        createHash('md5')
          .update(fs.readFileSync(path.join(ML_LATEST_SMALL, file)))
          .digest('hex'),
      ).toBe(sum);
    }
    expect(readMovieLensDir(ML_LATEST_SMALL).warnings).toEqual([]);
  });

  it('refuses half of ratings.csv (50,535 of 100,836 ratings, cut at a line boundary)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-ml-cut-'));
    tmp.push(dir);
    for (const file of fs.readdirSync(ML_LATEST_SMALL))
      fs.copyFileSync(path.join(ML_LATEST_SMALL, file), path.join(dir, file));
    fs.chmodSync(path.join(dir, 'ratings.csv'), 0o644);
    const lines = fs.readFileSync(path.join(ML_LATEST_SMALL, 'ratings.csv'), 'utf8').split('\n');
    fs.writeFileSync(path.join(dir, 'ratings.csv'), `${lines.slice(0, 50_536).join('\n')}\n`);
    expect(() => readMovieLensDir(dir)).toThrow(
      /ratings\.csv has 50,535 ratings; ml-latest-small publishes 100,836 \(truncated\?\)/,
    );
    expect(() => readMovieLensDir(dir)).toThrow(
      /ratings\.csv is not the published ml-latest-small file \(MD5/,
    );
  });
});

if (!hasMovieLens && process.env.CI) {
  throw new Error('CI needs ../shared/data/ml-latest-small for the release checks');
}
