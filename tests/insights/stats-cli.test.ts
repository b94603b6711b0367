import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Each CLI run starts tsx and a database: slow on a busy machine, so generous room. */
const CLI_TIMEOUT_MS = 240_000;

import { type CommunityStats, computeStats, PNG_MAX_BYTES } from '../../src/insights/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { movierec } from './cli.ts';
import { pngHeader } from './png-header.ts';
import { seedCommunity } from './synthetic.ts';

describe.each(DB_KINDS.filter((k) => k === 'postgres'))('movierec stats on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await seedCommunity(t.db, 11);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('--json prints exactly the computed stats; --html and --png write their files', {
    timeout: CLI_TIMEOUT_MS,
  }, async () => {
    const result = await movierec(['stats', '--json', '--html', 'report.html', '--png', 'chart.png'], {
      DATABASE_URL: t.url,
    });
    try {
      expect(result.stderr).toContain('report.html');
      expect(result.code).toBe(0);
      const printed = JSON.parse(result.stdout) as CommunityStats;
      const expected = await computeStats(t.db);
      expect({ ...printed, generatedAt: '' }).toEqual({ ...expected, generatedAt: '' });

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
    const expected = await computeStats(t.db, { tenant: 'guild-b' });
    expect(result.stdout).toContain(`movierec insights (guild-b): ${expected.totals.ratings} ratings`);
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
