/**
 * Where a PGlite bot process's memory goes: RSS, peak RSS, V8 heap and PGlite's WebAssembly heap
 * after each phase of import + training + serving ml-latest-small (one fresh data directory).
 *
 *   npx tsx bench/pglite-memory.ts [--data ../shared/data/ml-latest-small] [--requests 200]
 *
 * Prints one line per phase on stderr and a JSON array on stdout. Run it in its own process (as
 * here) so the peak is this work's alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { importMovieLens } from '../src/catalog/movielens-import.ts';
import { openDatabase } from '../src/db/client.ts';
import { createRecommenderService, readDataset } from '../src/recommend/service.ts';
import { buildCore, commandEvent } from './core-driver.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('../shared/data/ml-latest-small') },
    requests: { type: 'string', default: '200' },
    /** A scratch Postgres database instead of PGlite (for comparison; its tables are left behind). */
    url: { type: 'string' },
  },
});

interface Phase {
  phase: string;
  seconds: number;
  cpuSeconds: number;
  rssMb: number;
  peakRssMb: number;
  v8HeapMb: number;
  externalMb: number;
  wasmMb: number | null;
  /** Touched (resident) part of the WebAssembly heap. */
  wasmResidentMb: number | null;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/**
 * Resident bytes of the WebAssembly heap: the anonymous mapping exactly as large as the heap in
 * /proc/self/smaps (Linux only). The heap is reserved at full size but only touched pages count.
 */
function wasmResidentBytes(heapBytes: number | undefined): number | undefined {
  if (heapBytes === undefined) return undefined;
  try {
    const lines = fs.readFileSync('/proc/self/smaps', 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^[0-9a-f]+-[0-9a-f]+ rw-p 00000000 00:00 0\s*$/.test(lines[i]!)) continue;
      const size = Number(lines[i + 1]?.match(/^Size:\s+(\d+) kB/)?.[1]) * 1024;
      const rssLine = lines.slice(i + 1, i + 8).find((l) => l.startsWith('Rss:'));
      const rss = Number(rssLine?.match(/^Rss:\s+(\d+) kB/)?.[1]) * 1024;
      if (size === heapBytes && Number.isFinite(rss)) return rss;
    }
  } catch {}
  return undefined;
}
const phases: Phase[] = [];
let wasmBytes: () => number | undefined = () => undefined;
let t = performance.now();
let cpu = process.cpuUsage();

function mark(phase: string): void {
  // With --expose-gc the figures are live memory, not what the collector has not reclaimed yet.
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const c = process.cpuUsage(cpu);
  const wasm = wasmBytes();
  const row: Phase = {
    phase,
    seconds: Math.round(performance.now() - t) / 1000,
    cpuSeconds: Math.round((c.user + c.system) / 1000) / 1000,
    rssMb: mb(m.rss),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    v8HeapMb: mb(m.heapUsed),
    externalMb: mb(m.external + m.arrayBuffers),
    wasmMb: wasm === undefined ? null : mb(wasm),
    wasmResidentMb: null,
  };
  const resident = wasmResidentBytes(wasm);
  row.wasmResidentMb = resident === undefined ? null : mb(resident);
  phases.push(row);
  process.stderr.write(
    `${phase.padEnd(14)} ${String(row.seconds).padStart(7)} s  rss ${String(row.rssMb).padStart(7)}  peak ${String(row.peakRssMb).padStart(7)}  v8 ${String(row.v8HeapMb).padStart(6)}  ext ${String(row.externalMb).padStart(6)}  wasm ${row.wasmMb} (${row.wasmResidentMb} resident)\n`,
  );
  t = performance.now();
  cpu = process.cpuUsage();
}

const logger = pino({ level: 'warn' }, pino.destination(2));
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-pglite-mem-'));
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-pglite-mem-cache-'));
try {
  mark('start');
  let handle = await openDatabase({ home, url: values.url });
  wasmBytes = () => handle.memoryBytes?.();
  mark('open');
  await handle.migrate();
  mark('migrate');
  await importMovieLens(handle.db, values.data);
  mark('import');
  await readDataset(handle.db);
  mark('read dataset');
  const service = createRecommenderService({ db: handle.db, logger, cacheDir });
  await service.retrain();
  mark('train+store');
  await service.close();
  // A restarted bot: reopen the database and load the stored model (no local cache copy).
  await handle.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
  handle = await openDatabase({ home, url: values.url });
  mark('reopen');
  const cut = buildCore(handle.db, logger);
  await cut.service.current();
  mark('model load');
  const n = Number(values.requests);
  for (let i = 1; i <= n; i++) {
    const user = {
      userKey: `movielens:${1 + ((i * 37) % 610)}`,
      platform: 'console' as const,
      tenant: 'local',
    };
    await cut.core.handle(commandEvent(user, 'recommend'));
    if (i % 100 === 0 || i === n) mark(`serve ${i}`);
  }
  await cut.close();
  await handle.close();
  process.stdout.write(`${JSON.stringify(phases)}\n`);
} finally {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
