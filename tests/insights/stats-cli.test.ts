import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Each CLI run starts tsx and a database: slow on a busy machine, so generous room. */
const CLI_TIMEOUT_MS = 240_000;

import { type CommunityStats, PNG_MAX_BYTES } from '../../src/insights/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { movierec } from './cli.ts';
import { pngHeader } from './png-header.ts';
import { reference } from './reference-stats.ts';
import { type SyntheticCommunity, seedCommunity } from './synthetic.ts';

describe.each(DB_KINDS.filter((k) => k === 'postgres'))('movierec stats on %s', (kind) => {
  let t: TestDatabase;
  let community: SyntheticCommunity;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    community = await seedCommunity(t.db, 11);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("--json prints the community's stats (recounted in plain JS); --html and --png write their files", {
    timeout: CLI_TIMEOUT_MS,
  }, async () => {
    const result = await movierec(['stats', '--json', '--html', 'report.html', '--png', 'chart.png'], {
      DATABASE_URL: t.url,
    });
    try {
      expect(result.stderr).toContain('report.html');
      expect(result.code).toBe(0);
      // Independent of computeStats: the seeded community recounted in plain JS (reference-stats.ts).
      const printed = JSON.parse(result.stdout) as CommunityStats;
      const ref = reference(community, null);
      expect(printed.tenant).toBeNull();
      expect(printed.totals).toMatchObject({
        ratings: ref.rs.length,
        raters: new Set(ref.rs.map((r) => r.userId)).size,
        catalogMovies: community.movies.length,
      });
      expect(printed.totals.meanRating).toBeCloseTo(ref.mean, 9);
      expect(printed.ratingsPerDay).toEqual(ref.perDay);
      expect(printed.mostRated.map((f) => [f.movieId, f.count])).toEqual(
        ref.mostRated.map((f) => [f.movieId, f.count]),
      );
      expect(printed.bestRated.map((f) => f.movieId)).toEqual(ref.bestRated.map((f) => f.movieId));
      expect(new Map(printed.genreMix.map((g) => [g.genre, g.ratings]))).toEqual(ref.genres);
      expect(printed.mostActiveRaters.map((r) => [r.userId, r.count])).toEqual(ref.raters);

      const html = readFileSync(path.join(result.home, 'report.html'), 'utf8');
      expect(html.match(/<section\b/g)).toHaveLength(7);
      expect(html.match(/<svg\b/g)).toHaveLength(7);
      const png = new Uint8Array(readFileSync(path.join(result.home, 'chart.png')));
      pngHeader(png);
      expect(png.byteLength).toBeLessThan(PNG_MAX_BYTES);
    } finally {
      result.cleanup();
    }
  });

  it('prints a text summary for one tenant', { timeout: CLI_TIMEOUT_MS }, async () => {
    const result = await movierec(['stats', '--tenant', 'guild-b'], { DATABASE_URL: t.url });
    result.cleanup();
    expect(result.code).toBe(0);
    const ratingsInB = reference(community, 'guild-b').rs.length;
    expect(ratingsInB).toBeGreaterThan(0);
    expect(result.stdout).toContain(`movierec insights (guild-b): ${ratingsInB} ratings`);
  });
});

describe('movierec stats on a fresh embedded database', () => {
  it('migrates and reports an empty community', { timeout: CLI_TIMEOUT_MS }, async () => {
    const result = await movierec(['stats'], {});
    result.cleanup();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('0 ratings by 0 raters');
    expect(result.stdout).toContain('No ratings yet.');
  });
});
