/**
 * Import worker thread (started by workers.ts through the shared worker pool's boot.mjs): reads,
 * validates and matches one export per task, off the bot's event loop, and answers with the counts the
 * summary needs and the matched ratings as typed arrays (transferred, not copied).
 */
import { parentPort, threadId } from 'node:worker_threads';
import { isUserError } from '../../errors.ts';
import { type CompactCatalog, matchCatalogOfCompact } from './catalog-data.ts';
import { type MatchCatalog, matchFilms } from './match.ts';
import { readExport } from './parse.ts';
import { lowerThisThreadPriority } from './thread-priority.ts';
import type { ImportProgress, ImportTask, ImportTaskResult } from './workers.ts';

// Background work: the bot's own thread and the database go first when the CPU is short.
const nice = lowerThisThreadPriority();

/** The lookups of the last catalog version seen: built once per version, not once per import. */
let cached: { version: number; catalog: MatchCatalog } | undefined;

function catalogOf(data: CompactCatalog): MatchCatalog {
  if (cached?.version !== data.version)
    cached = { version: data.version, catalog: matchCatalogOfCompact(data) };
  return cached.catalog;
}

async function run(id: number, task: ImportTask): Promise<void> {
  const progress = (p: ImportProgress) => parentPort!.postMessage({ id, progress: p });
  try {
    const { films, ...parsed } = await readExport(task.text, ({ rows }) =>
      progress({ stage: 'reading', done: rows }),
    );
    progress({ stage: 'matching', done: 0, total: films.length });
    const matched = matchFilms(catalogOf(task.catalog), films, (done) =>
      progress({ stage: 'matching', done, total: films.length }),
    );
    const result: ImportTaskResult = { ok: { parsed, matched, threadId, nice } };
    parentPort!.postMessage({ id, result }, [
      matched.movieIds.buffer as ArrayBuffer,
      matched.stars.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    if (isUserError(error)) {
      const result: ImportTaskResult = { userError: { code: error.code, message: error.message } };
      parentPort!.postMessage({ id, result });
    } else {
      // Name and code only: a parser's message may quote the user's file.
      const e = error as { name?: string; code?: unknown };
      parentPort!.postMessage({ id, error: `${e?.name ?? 'Error'} ${String(e?.code ?? '')}`.trim() });
    }
  }
}

parentPort?.on('message', (message: { id: number; task: ImportTask }) => {
  void run(message.id, message.task);
});
