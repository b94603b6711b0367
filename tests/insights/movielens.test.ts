import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importMovieLens } from '../../src/catalog/movielens-import.ts';
import {
  type CommunityStats,
  computeStats,
  PNG_MAX_BYTES,
  renderStatsHtml,
  renderStatsPng,
} from '../../src/insights/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { describeWithMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';
import { pngHeader } from './png-header.ts';

/** ratings.csv read independently of the importer: the numbers the report must show. */
function readRatingsCsv() {
  const lines = readFileSync(path.join(ML_LATEST_SMALL, 'ratings.csv'), 'utf8').trim().split('\n').slice(1);
  const byStars = new Map<number, number>();
  const byDay = new Map<string, number>();
  const byMovie = new Map<string, number>();
  const usersSeen = new Set<string>();
  for (const line of lines) {
    const [userId, movieId, rating, ts] = line.split(',');
    byStars.set(Number(rating), (byStars.get(Number(rating)) ?? 0) + 1);
    const day = new Date(Number(ts) * 1000).toISOString().slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
    byMovie.set(movieId!, (byMovie.get(movieId!) ?? 0) + 1);
    usersSeen.add(userId!);
  }
  return { count: lines.length, byStars, byDay, byMovie, users: usersSeen.size };
}

describeWithMovieLens('insights on ml-latest-small', () => {
  let t: TestDatabase;
  let stats: CommunityStats;
  const csv = readRatingsCsv();

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    await importMovieLens(t.db, ML_LATEST_SMALL);
    stats = await computeStats(t.db);
  }, 300_000);
  afterAll(async () => {
    await t?.destroy();
  });

  it('reports the totals, star distribution and daily counts of ratings.csv', () => {
    expect(stats.totals.ratings).toBe(csv.count);
    expect(stats.totals.raters).toBe(csv.users);
    for (const { rating, count } of stats.ratingDistribution)
      expect(count).toBe(csv.byStars.get(rating) ?? 0);
    expect(new Map(stats.ratingsPerDay.map((d) => [d.day, d.count]))).toEqual(csv.byDay);
  });

  it('ranks the most-rated films by the counts in the CSV', () => {
    const top = [...csv.byMovie.values()].sort((a, b) => b - a).slice(0, 10);
    expect(stats.mostRated.map((f) => f.count)).toEqual(top);
    // Bayesian ranking keeps films with a handful of perfect ratings out of the top list
    for (const f of stats.bestRated) expect(f.count).toBeGreaterThanOrEqual(20);
  });

  it('writes an HTML report whose distribution chart carries the real counts, and a small PNG', async () => {
    const html = await renderStatsHtml(stats);
    const distribution = html.split('<section id="distribution">')[1]!.split('</section>')[0]!;
    const fourStars = csv.byStars.get(4)!;
    expect(distribution).toMatch(new RegExp(`count: (${fourStars}|${fourStars.toLocaleString('en-US')})`));
    expect(html).toContain('Ratings per day (monthly totals)');

    const png = await renderStatsPng(stats);
    pngHeader(png);
    expect(png.byteLength).toBeLessThan(PNG_MAX_BYTES);
  });
});
