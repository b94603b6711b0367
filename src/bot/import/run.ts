/**
 * One import from start to summary: parse, validate and match on an import worker thread, then write
 * set-based on the bot's side.
 */
import { backgroundDatabase, type Database } from '../../db/client.ts';
import { upsertRatingsBulk } from '../../db/store/ratings.ts';
import { isUserError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { CatalogView } from '../catalog-view.ts';
import type { Reply } from '../types.ts';
import { type ImportJob, serializeWrite } from './jobs.ts';
import { summaryReply } from './summary.ts';
import { parseAndMatchInWorker } from './workers.ts';

export interface ImportRequest {
  db: Database;
  view: CatalogView;
  userId: number;
  /** The decoded file. */
  text: string;
  encodingNote: string | null;
  logger: Logger;
}

/** Runs an import, reporting progress on `job`; resolves with the summary or the reason it failed. */
export async function runImport(req: ImportRequest, job: ImportJob): Promise<Reply> {
  try {
    const started = performance.now();
    const { parsed, matched, threadId } = await parseAndMatchInWorker(req.text, req.view, (p) => {
      job.stage = p.stage;
      job.done = p.done;
      if (p.total !== undefined) job.total = p.total;
    });
    job.parsedOnThread = threadId;
    const parsedAt = performance.now();
    job.stage = 'writing';
    job.done = 0;
    job.total = matched.movieIds.length;
    let writeStarted = 0;
    const written = await serializeWrite(() => {
      writeStarted = performance.now();
      // On connections of its own: the request pool stays whole for other users' requests.
      return upsertRatingsBulk(backgroundDatabase(req.db), req.userId, matched, 'import');
    });
    const finished = performance.now();
    job.done = job.total;
    const reply = summaryReply({ parsed, matched, written, encodingNote: req.encodingNote });
    // How long each part took: the write is how long the import held a database connection.
    const timings = {
      // Waiting for a free import worker, then reading and matching on it.
      workerMs: Math.round(parsedAt - started),
      writeWaitMs: Math.round(writeStarted - parsedAt),
      writeMs: Math.round(finished - writeStarted),
    };
    return { ...reply, data: { ...reply.data, timings } };
  } catch (error) {
    if (isUserError(error)) {
      return { text: error.message, ephemeral: true, data: { outcome: 'user_error', error: error.code } };
    }
    // The error's code and class only: a failed query's message carries its parameters (user data).
    req.logger.warn(
      { err: { name: (error as Error)?.name, code: (error as { code?: unknown })?.code } },
      'import failed',
    );
    return {
      text: 'Your import failed on my side, so nothing from it was saved. Please try again in a minute.',
      ephemeral: true,
      data: { outcome: 'error', error: 'import-failed' },
    };
  }
}
