/**
 * Ten 5 MB Letterboxd imports at once beside 20 users asking for recommendation lists (issue 16):
 * the list users' reply times while the imports run, each import's time from `/import` to its
 * summary, and whether each summary is right (films imported, duplicates, not in the catalog, skipped
 * rows, ratings stored). The CSV files are generated here at run time from the catalog; none is kept.
 *
 *   npx tsx bench/import-load.ts [pglite|postgres ...] [--runs N] [--json]
 *                                       (default: both, Postgres when reachable; one PASS/FAIL line a run)
 *   node bin/movierec.js bench                               (runs it as an optional step)
 */
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { MAX_IMPORT_BYTES } from '../src/bot/ratings-import.ts';
import type { Reply } from '../src/bot/types.ts';
import { importMovieLens } from '../src/catalog/movielens-import.ts';
import { queryRows } from '../src/catalog/sql-rows.ts';
import { buildCore, commandEvent, MOVIELENS_USERS, movieLensUser, platformUser } from './core-driver.ts';
import { type BenchDbKind, benchServerUrl, createScratchDatabase, serverReachable } from './databases.ts';
import { type LatencySummary, round, summarize } from './stats.ts';

const IMPORTS = 10;
const LIST_USERS = 20;
const TARGET_ROWS = 180_000;
/** Films each generated file rates (many times over: the rest of its rows are duplicates). */
const FILMS_PER_FILE = 4_000;
const MISSING_PER_FILE = 25;
const BAD_ROWS_PER_FILE = 30;
const STATUS_POLL_MS = 250;
const IMPORT_DEADLINE_MS = 300_000;
const BASELINE_MS = 10_000;

export interface ImportLoadFigures {
  kind: BenchDbKind;
  files: { rows: number; bytes: number };
  /** The same 20 users for {@link BASELINE_MS} before the imports: what the machine gives anyway. */
  listReplyMsWithoutImports: LatencySummary;
  listReplyMs: LatencySummary;
  importSeconds: { each: number[]; max: number };
  /**
   * Per import, from its summary: waiting for and running on the import worker (read, validate, match),
   * and the write, which is how long it held a database connection (one transaction).
   */
  workerMs: number[];
  writeMs: { each: number[]; max: number };
  /**
   * The bot's event-loop delay (perf_hooks, 10 ms resolution), alone and beside the imports: how long a
   * ready request waited for the thread, which is what parsing on that thread used to inflate.
   */
  eventLoopDelayMs: {
    alone: { p50: number; p99: number; max: number };
    withImports: { p50: number; p99: number; max: number };
  };
  summariesCorrect: boolean;
  problems: string[];
  /** 1, 5 and 15 minute load average when the step started, and when it ended. */
  loadAverageAtStart: number[];
  loadAverage: number[];
}

interface GeneratedFile {
  csv: string;
  rows: number;
  expected: { imported: number; notInCatalog: number; outOfRange: number };
}

/** A seeded generator, so two runs import the same files. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Letterboxd ratings.csv of up to {@link TARGET_ROWS} rows (fewer when 5 MB is reached first): films
 * with short titles drawn from the catalog, titles the catalog lacks, and rows rated 99.
 */
function generateFile(films: { title: string; year: number }[], seed: number): GeneratedFile {
  const random = rng(seed);
  const chosen = new Map<string, { title: string; year: number }>();
  while (chosen.size < Math.min(FILMS_PER_FILE, films.length)) {
    const f = films[Math.floor(random() * films.length)]!;
    chosen.set(`${f.title.toLowerCase()}|${f.year}`, f);
  }
  const pool = [...chosen.values()];
  const missing = Array.from({ length: MISSING_PER_FILE }, (_, i) => ({
    title: `Nofilm ${seed}-${i}`,
    year: 1990,
  }));
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = ['Date,Name,Year,Letterboxd URI,Rating'];
  let bytes = lines[0]!.length + 1;
  const push = (f: { title: string; year: number }, rating: string) => {
    const line = `2024-01-01,${quote(f.title)},${f.year},,${rating}`;
    if (bytes + line.length + 1 > MAX_IMPORT_BYTES) return false;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
    return true;
  };
  // Every film and missing title at least once, then repeats up to the row target.
  for (const f of [...pool, ...missing]) push(f, String(1 + Math.floor(random() * 9) / 2));
  for (let i = 0; i < BAD_ROWS_PER_FILE; i++) push(pool[i]!, '99');
  while (lines.length - 1 < TARGET_ROWS) {
    if (!push(pool[Math.floor(random() * pool.length)]!, String(0.5 + Math.floor(random() * 10) / 2))) break;
  }
  return {
    csv: `${lines.join('\n')}\n`,
    rows: lines.length - 1,
    expected: { imported: pool.length, notInCatalog: missing.length, outOfRange: BAD_ROWS_PER_FILE },
  };
}

/** One database kind: import ml-latest-small, train, then the load. */
export async function benchImportLoad(kind: BenchDbKind, mlDir: string): Promise<ImportLoadFigures> {
  const loadAverageAtStart = os.loadavg().map((l) => round(l));
  const db = await createScratchDatabase(kind, { maxConnections: 10 });
  const logger = pino({ level: 'silent' });
  const problems: string[] = [];
  try {
    await importMovieLens(db.db, mlDir);
    const cut = buildCore(db.db, logger);
    await cut.service.current();
    // Films whose title is unique in the catalog and short (a 5 MB file then holds ~180,000 rows).
    const films = await queryRows<{ title: string; year: number }>(
      db.db,
      sql`select title, year from movies where year is not null and length(title) <= 12
          and title in (select title from movies group by title having count(*) = 1)`,
    );
    const files = Array.from({ length: IMPORTS }, (_, i) => generateFile(films, 1000 + i));
    const listUsers = Array.from({ length: LIST_USERS }, (_, i) => movieLensUser((i % MOVIELENS_USERS) + 1));
    for (const u of listUsers) await cut.core.handle(commandEvent(u, 'recommend'));

    let importing = true;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const delayFigures = () => {
      const ms = (ns: number) => round(ns / 1e6);
      const out = {
        p50: ms(loopDelay.percentile(50)),
        p99: ms(loopDelay.percentile(99)),
        max: ms(loopDelay.max),
      };
      loopDelay.reset();
      return out;
    };
    loopDelay.enable();
    const baselineUntil = performance.now() + BASELINE_MS;
    const baseline: number[] = [];
    await Promise.all(
      listUsers.map(async (u) => {
        while (performance.now() < baselineUntil) {
          const t0 = performance.now();
          await cut.core.handle(commandEvent(u, 'recommend'));
          baseline.push(performance.now() - t0);
        }
      }),
    );
    const delayAlone = delayFigures();
    const latencies: number[] = [];
    const lists = listUsers.map(async (u) => {
      while (importing) {
        const t0 = performance.now();
        await cut.core.handle(commandEvent(u, 'recommend'));
        latencies.push(performance.now() - t0);
      }
    });
    const started = performance.now();
    const workerMs: number[] = [];
    const writeMs: number[] = [];
    const importers = files.map(async (file, i) => {
      const user = platformUser('discord', 'bench', `importer${i}`);
      const event = commandEvent(user, 'import');
      event.attachments = [{ name: 'ratings.csv', content: file.csv }];
      let [reply] = await cut.core.handle(event);
      while (reply?.data?.outcome !== 'import-done') {
        if (reply?.data?.outcome !== 'import-started' && reply?.data?.outcome !== 'import-running') {
          throw new Error(`import ${i}: unexpected reply ${reply?.text}`);
        }
        if (performance.now() - started > IMPORT_DEADLINE_MS) throw new Error(`import ${i} did not finish`);
        await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
        [reply] = await cut.core.handle(commandEvent(user, 'import', 'status'));
      }
      const seconds = (performance.now() - started) / 1000;
      check(i, file, reply!, problems);
      const timings = (reply!.data as { timings?: { workerMs: number; writeMs: number } }).timings;
      workerMs[i] = timings?.workerMs ?? Number.NaN;
      writeMs[i] = timings?.writeMs ?? Number.NaN;
      const [stored] = await queryRows<{ n: number }>(
        db.db,
        sql`select count(*)::int as n from ratings r join users u on u.id = r.user_id
            where u.external_id = ${user.userKey}`,
      );
      if (Number(stored?.n) !== file.expected.imported) {
        problems.push(`import ${i}: ${stored?.n} ratings stored, expected ${file.expected.imported}`);
      }
      return seconds;
    });
    const seconds = await Promise.all(importers);
    importing = false;
    const delayWithImports = delayFigures();
    loopDelay.disable();
    await Promise.all(lists);
    await cut.close();
    return {
      kind,
      files: { rows: files[0]!.rows, bytes: Buffer.byteLength(files[0]!.csv) },
      listReplyMsWithoutImports: summarize(baseline),
      listReplyMs: summarize(latencies),
      importSeconds: { each: seconds.map((s) => round(s, 1)), max: round(Math.max(...seconds), 1) },
      workerMs,
      writeMs: { each: writeMs, max: Math.max(...writeMs) },
      eventLoopDelayMs: { alone: delayAlone, withImports: delayWithImports },
      summariesCorrect: problems.length === 0,
      problems,
      loadAverageAtStart,
      loadAverage: os.loadavg().map((l) => round(l)),
    };
  } finally {
    await db.destroy();
  }
}

/** Issue 16's targets for one run: PASS or FAIL with the figures, on one line. */
export function importLoadVerdict(f: ImportLoadFigures): { pass: boolean; line: string } {
  const checks: [string, boolean][] = [
    [
      `list reply p99 beside the imports < 1 s (${Math.round(f.listReplyMs.p99)} ms; p50 ${Math.round(f.listReplyMs.p50)} ms; alone p99 ${Math.round(f.listReplyMsWithoutImports.p99)} ms)`,
      f.listReplyMs.p99 < 1_000,
    ],
    [
      `every import done < 30 s (${Math.min(...f.importSeconds.each)}–${f.importSeconds.max} s)`,
      f.importSeconds.max < 30,
    ],
    [`summaries correct (${f.problems.length} problems)`, f.summariesCorrect],
  ];
  const pass = checks.every(([, ok]) => ok);
  return {
    pass,
    line:
      `import load ${f.kind}, ${IMPORTS} imports + ${LIST_USERS} list users: ${pass ? 'PASS' : 'FAIL'} — ` +
      `${checks.map(([text, ok]) => `${ok ? 'pass' : 'FAIL'}: ${text}`).join('; ')}; ` +
      `load ${f.loadAverageAtStart.join(' ')} → ${f.loadAverage.join(' ')}`,
  };
}

/** The summary's numbers against what the generator put in the file. */
function check(i: number, file: GeneratedFile, reply: Reply, problems: string[]): void {
  const d = reply.data as Record<string, unknown>;
  const skipped = d.skipped as Record<string, number>;
  const expectedDuplicates =
    file.rows - file.expected.imported - file.expected.notInCatalog - file.expected.outOfRange;
  const want: [string, unknown, unknown][] = [
    ['imported', d.imported, file.expected.imported],
    ['notInCatalog', d.notInCatalog, file.expected.notInCatalog],
    ['rows', d.rows, file.rows],
    ['duplicateRowsMerged', d.duplicateRowsMerged, expectedDuplicates],
    ['outOfRange', skipped.outOfRange, file.expected.outOfRange],
  ];
  for (const [name, got, expected] of want) {
    if (got !== expected) problems.push(`import ${i}: ${name} ${got}, expected ${expected}`);
  }
  if (
    !reply.text
      .replace(/^Your last import: /, '')
      .startsWith(`Imported ${file.expected.imported.toLocaleString('en-US')} of `)
  ) {
    problems.push(`import ${i}: summary reads "${reply.text.slice(0, 80)}"`);
  }
}

/** The optional step of `movierec bench`: both kinds (Postgres when reachable). */
export async function run(args: {
  dataDir: string;
  kinds?: BenchDbKind[];
}): Promise<(ImportLoadFigures | { kind: BenchDbKind; skipped: string })[]> {
  const out: (ImportLoadFigures | { kind: BenchDbKind; skipped: string })[] = [];
  for (const kind of args.kinds ?? (['pglite', 'postgres'] as BenchDbKind[])) {
    const problem = kind === 'postgres' ? await serverReachable(benchServerUrl()) : undefined;
    if (problem) {
      out.push({ kind, skipped: problem });
      continue;
    }
    const figures = await benchImportLoad(kind, args.dataDir);
    process.stderr.write(`bench: import load on ${kind}: ${JSON.stringify(figures)}\n`);
    out.push(figures);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 1;
  const json = args.includes('--json');
  const kinds = args.filter((a) => !a.startsWith('--')) as BenchDbKind[];
  const dataDir = path.resolve(fileURLToPath(new URL('../../shared/data/ml-latest-small', import.meta.url)));
  const result: Awaited<ReturnType<typeof run>> = [];
  for (let i = 0; i < runs; i++) result.push(...(await run({ dataDir, ...(kinds.length ? { kinds } : {}) })));
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  for (const r of result) {
    process.stdout.write(
      `${'skipped' in r ? `import load ${r.kind}: skipped (${r.skipped})` : importLoadVerdict(r).line}\n`,
    );
  }
  process.exit(0);
}
