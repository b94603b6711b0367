/**
 * The import worker threads: CSV parsing, validation and title matching of an import run there, on
 * the worker pool training uses (src/recommend/parallel/pool.ts), so the bot's event loop stays free
 * for every other request while a 5 MB file is read. A small fixed number of workers
 * ({@link IMPORT_WORKERS}) serve every import in the process: ten imports at once queue for them
 * instead of multiplying the CPU they take.
 */
import { UserError } from '../../errors.ts';
import { WorkerPool } from '../../recommend/parallel/pool.ts';
import type { CatalogView } from '../catalog-view.ts';
import { type CompactCatalog, compactCatalogOf } from './catalog-data.ts';
import type { MatchedExport } from './match.ts';
import type { ParsedExport } from './parse.ts';

/** Import worker threads in this process. */
export const IMPORT_WORKERS = 1;

const ENTRY = new URL('./worker.ts', import.meta.url);

/** One import's parse and match, as sent to a worker. */
export interface ImportTask {
  /** The decoded file (copied to the worker once). */
  text: string;
  /** Shared, not copied; the worker rebuilds its lookups only when the version changes. */
  catalog: CompactCatalog;
}

/** Counts of the parse the summary needs (the films themselves stay in the worker). */
export type ParsedCounts = Omit<ParsedExport, 'films'>;

/** What a worker answers: the parse's counts and the matched ratings, or the user's mistake. */
export type ImportTaskResult =
  | { ok: { parsed: ParsedCounts; matched: MatchedExport; threadId: number; nice: number | undefined } }
  | { userError: { code: string; message: string } };

/** Progress a worker reports while it reads and matches. */
export interface ImportProgress {
  stage: 'reading' | 'matching';
  done: number;
  total?: number;
}

let pool: WorkerPool<ImportTask> | undefined;

/** The process's import workers, started on first use and again if one crashed. */
function importPool(): WorkerPool<ImportTask> {
  if (!pool || pool.broken) {
    const old = pool;
    pool = new WorkerPool<ImportTask>(IMPORT_WORKERS, {
      entry: ENTRY,
      bundleName: 'import-worker',
      name: 'import',
      unrefWhenIdle: true,
    });
    void old?.close();
  }
  return pool;
}

/** Imports waiting for a free import worker. */
export function importsWaitingForWorker(): number {
  return pool?.queued ?? 0;
}

/**
 * Reads, validates and matches an export on an import worker thread. Rejects with the same
 * {@link UserError} the parser raised (an unreadable CSV, no ratings); other failures reject with an
 * error that names no user data.
 */
export async function parseAndMatchInWorker(
  text: string,
  view: CatalogView,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<{ parsed: ParsedCounts; matched: MatchedExport; threadId: number; nice: number | undefined }> {
  const result = await importPool().run<ImportTaskResult>(
    { text, catalog: compactCatalogOf(view) },
    { onProgress: (p) => onProgress(p as ImportProgress) },
  );
  if ('userError' in result) throw new UserError(result.userError.code, result.userError.message);
  return result.ok;
}
