/**
 * One import from start to summary: parse and validate, match in memory, write set-based.
 */
import type { Database } from '../../db/client.ts';
import { upsertRatingsBulk } from '../../db/store/ratings.ts';
import { isUserError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { CatalogView } from '../catalog-view.ts';
import type { Reply } from '../types.ts';
import { type ImportJob, serializeWrite } from './jobs.ts';
import { matchExport } from './match.ts';
import { readExport } from './parse.ts';
import { summaryReply } from './summary.ts';

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
    job.stage = 'reading';
    const parsed = await readExport(req.text, ({ rows }) => {
      job.done = rows;
    });
    job.stage = 'matching';
    job.done = 0;
    job.total = parsed.films.length;
    const matched = await matchExport(req.view, parsed.films, (done) => {
      job.done = done;
    });
    job.stage = 'writing';
    job.done = 0;
    job.total = matched.ratings.length;
    const written = await serializeWrite(() =>
      upsertRatingsBulk(
        req.db,
        req.userId,
        matched.ratings.map((r) => ({ movieId: r.movie.id, stars: r.stars })),
        'import',
      ),
    );
    job.done = job.total;
    return summaryReply({ parsed, matched, written, encodingNote: req.encodingNote });
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
