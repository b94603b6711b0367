import { UserError } from '../../errors.ts';
import { defineCommand } from '../context.ts';
import { IMPORT_CONCURRENCY, type ImportJob, type ImportJobs, importJobsFor } from '../import/jobs.ts';
import { countDataLines, formatOfHeader } from '../import/parse.ts';
import { readAttachedExport } from '../import/read-file.ts';
import { runImport } from '../import/run.ts';
import { count } from '../import/summary.ts';
import type { Reply } from '../types.ts';

const FORMAT_NAMES = { letterboxd: 'Letterboxd', imdb: 'IMDb' } as const;

/**
 * `/import`: reads and checks the file, then imports it as background work (see import/jobs.ts). A small
 * file's summary comes back as the answer; a big one that is not done within a few seconds is answered
 * with "importing N rows in the background", and `/import status` (or `/import` without a file) shows
 * its progress and then its summary. The core cannot message a user privately later (a platform's
 * channel post would show someone's ratings to everyone), so the user asks again rather than waits for
 * a push that cannot come.
 */
export default defineCommand({
  name: 'import',
  description:
    'Import your ratings from a Letterboxd or IMDb CSV export (attach the file); "status" shows progress',
  usage: '<attached ratings.csv | path in the console | status>',
  visibility: 'private',
  options: [
    // Optional so that `/import` alone can show a running import's progress on Discord too.
    { name: 'file', description: 'ratings.csv from Letterboxd or IMDb', type: 'attachment' },
  ],
  async run(ctx) {
    const jobs = importJobsFor(ctx.deps);
    const hasFile = (ctx.event.attachments?.length ?? 0) > 0;
    const isConsole = ctx.event.actor.platform === 'console';
    const askedStatus = /^status$/i.test(ctx.text);
    if (askedStatus || (!hasFile && !(isConsole && ctx.text))) {
      const status = statusReply(jobs, ctx.user.id);
      if (status) return status;
      if (askedStatus) {
        return {
          text: 'You have no import running or recently finished.',
          ephemeral: true,
          data: { outcome: 'import-none' },
        };
      }
    }
    if (jobs.runningFor(ctx.user.id)) throw alreadyRunning();
    const decoded = await readAttachedExport(ctx.event.attachments, ctx.text, isConsole);
    const format = formatOfHeader(decoded.text);
    const rows = countDataLines(decoded.text);
    if (rows === 0) throw new UserError('empty-export', 'That export has no ratings in it.');
    const job = jobs.start(ctx.user.id, rows, (j) =>
      runImport(
        {
          db: ctx.deps.db,
          view: ctx.view,
          userId: ctx.user.id,
          text: decoded.text,
          encodingNote: decoded.note,
          logger: ctx.deps.logger,
        },
        j,
      ),
    );
    // Another /import of the same user started while this one was downloading its file.
    if (!job) throw alreadyRunning();
    const summary = await jobs.waitFor(job);
    if (summary) return summary;
    return {
      text:
        `Importing ${count(rows)} rows from your ${FORMAT_NAMES[format]} export in the background… ` +
        'Run `/import status` to see how far it is; the summary will be there when it is done.',
      ephemeral: true,
      data: { outcome: 'import-started', format, rows },
    };
  },
});

function alreadyRunning(): UserError {
  return new UserError(
    'import-running',
    'Your previous import is still running; one at a time, please. Run `/import status` to see how far it is.',
  );
}

const STAGE_TEXT: Record<ImportJob['stage'], (job: ImportJob) => string> = {
  queued: (job) => {
    const position = job.position();
    return position > 0
      ? `queued, position ${position} (imports run ${IMPORT_CONCURRENCY} at a time)`
      : 'about to start';
  },
  reading: (job) => `reading rows: ${count(job.done)} of ${count(job.total)}`,
  matching: (job) => `matching films to my catalog: ${count(job.done)} of ${count(job.total)}`,
  writing: (job) => `saving ${count(job.total)} ratings`,
};

/** Progress of the user's running import, or the summary of their last one; null when neither. */
function statusReply(jobs: ImportJobs, userId: number): Reply | null {
  const job = jobs.runningFor(userId);
  if (job) {
    return {
      text: `Your import of ${count(job.rows)} rows is ${STAGE_TEXT[job.stage](job)}. Run \`/import status\` again for the summary.`,
      ephemeral: true,
      data: { outcome: 'import-running', stage: job.stage, done: job.done, total: job.total },
    };
  }
  const last = jobs.lastSummary(userId);
  return last ? { ...last, text: `Your last import: ${last.text}` } : null;
}
