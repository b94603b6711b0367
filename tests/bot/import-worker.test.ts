import os from 'node:os';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compactCatalogOf, matchCatalogOfCompact } from '../../src/bot/import/catalog-data.ts';
import { matchExport, matchFilms } from '../../src/bot/import/match.ts';
import { parseExport } from '../../src/bot/import/parse.ts';
import { IMPORT_THREAD_NICE } from '../../src/bot/import/thread-priority.ts';
import { parseAndMatchInWorker } from '../../src/bot/import/workers.ts';
import { catalogViewOf, letterboxdCsv } from './import-fixtures.ts';

const view = catalogViewOf([
  { id: 1, title: 'Heat', year: 1995, imdbId: 'tt0113277' },
  { id: 2, title: 'Ronin', year: 1998 },
  { id: 3, title: 'Ringu (Ring)', year: 1998 },
  { id: 4, title: 'Le Fabuleux Destin d’Amélie Poulain', year: 2001, imdbId: 'tt0211915' },
  // Two films the title index finds equally for "The Matrix": the better-known one must win.
  { id: 10, title: 'Matrix, The', year: 1999, ratingCount: 1 },
  { id: 11, title: 'Matrix, The', year: 1999, ratingCount: 50 },
  { id: 12, title: 'Solaris', year: null },
]);

const csv = letterboxdCsv([
  ['Heat', 1995, '4'],
  ['Ronin', 1998, '3.5'],
  ['Ringu (Ring)', 1998, '5'],
  ['The Matrix', 1999, '4.5'],
  ['Solaris', 1972, '2'],
  ['Heat', 1996, '1'],
  ['Le Fabuleux Destin d’Amélie Poulain', 2001, '5'],
  ['Nowhere Film', 1990, '2'],
  ['Ronin', 1998, '99'],
]);

describe('import worker', () => {
  it('reads and matches an export on a worker thread, with the same result as on the main thread', async () => {
    const progress: string[] = [];
    const {
      parsed,
      matched,
      threadId: parsedOn,
    } = await parseAndMatchInWorker(csv, view, (p) => progress.push(p.stage));
    // The parse ran off this thread: the event loop that answers other users was not the one reading.
    expect(parsedOn).toEqual(expect.any(Number));
    expect(parsedOn).not.toBe(threadId);
    const { films: _films, ...here } = parseExport(csv);
    expect(parsed).toEqual(here);
    expect(matched).toEqual(matchExport(view, parseExport(csv).films));
    expect(Object.fromEntries([...matched.movieIds].map((id, i) => [id, matched.stars[i]]))).toEqual({
      1: 1,
      2: 3.5,
      3: 5,
      4: 5,
      11: 4.5,
      12: 2,
    });
    expect(matched.notInCatalog.count).toBe(1);
    expect(progress).toContain('reading');
    expect(progress).toContain('matching');
  });

  it.runIf(process.platform === 'linux')(
    'runs at a lower CPU priority than the bot’s own thread, which keeps its own',
    async () => {
      const before = os.getPriority(process.pid);
      const { nice } = await parseAndMatchInWorker(csv, view);
      expect(nice).toBe(Math.max(before, IMPORT_THREAD_NICE));
      expect(nice).toBeGreaterThan(0);
      // Per thread: the main thread (whose id is the process id) is where it was.
      expect(os.getPriority(process.pid)).toBe(before);
    },
  );

  it("passes the parser's friendly errors back as the same user errors", async () => {
    await expect(parseAndMatchInWorker('a,b\n1,2\n', view)).rejects.toMatchObject({
      name: 'UserError',
      code: 'unknown-export',
    });
    await expect(
      parseAndMatchInWorker('Date,Name,Year,Letterboxd URI,Rating\n"open', view),
    ).rejects.toMatchObject({
      name: 'UserError',
      code: 'bad-csv',
    });
    // The worker is still there for the next import.
    const { matched } = await parseAndMatchInWorker(letterboxdCsv([['Heat', 1995, '4']]), view);
    expect([...matched.movieIds]).toEqual([1]);
  });

  it("matches over the compact catalog exactly as over the bot's own view, popularity ties included", () => {
    const films = parseExport(csv).films;
    const compact = compactCatalogOf(view);
    expect(compactCatalogOf(view)).toBe(compact); // once per catalog version
    expect(matchFilms(matchCatalogOfCompact(compact), films)).toEqual(matchExport(view, films));
    const other = catalogViewOf([{ id: 1, title: 'Heat', year: 1995 }]);
    expect(compactCatalogOf(other).version).not.toBe(compact.version);
  });
});
