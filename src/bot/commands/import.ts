import fs from 'node:fs/promises';
import { inTransaction } from '../../db/store/executor.ts';
import { upsertRating } from '../../db/store/ratings.ts';
import { UserError } from '../../errors.ts';
import { defineCommand } from '../context.ts';
import { MAX_IMPORT_BYTES, matchExported, parseRatingsExport } from '../ratings-import.ts';
import { titleWithYear } from '../render.ts';
import { sanitizeEcho } from '../text.ts';

const UNMATCHED_SHOWN = 5;

export default defineCommand({
  name: 'import',
  description: 'Import your ratings from a Letterboxd or IMDb CSV export (attach the file)',
  usage: '<attached ratings.csv | path in the console>',
  options: [
    { name: 'file', description: 'ratings.csv from Letterboxd or IMDb', type: 'attachment', required: true },
  ],
  async run(ctx) {
    const content = await readExport(ctx.event.attachments, ctx.text, ctx.event.actor.platform === 'console');
    const { format, ratings } = parseRatingsExport(content);
    if (ratings.length === 0) throw new UserError('empty-export', 'That export has no ratings in it.');
    const matched = matchExported(ctx.view, ratings);
    await inTransaction(ctx.deps.db, async (tx) => {
      for (const m of matched) await upsertRating(tx, ctx.user.id, m.movie.id, m.stars, 'import');
    });
    const matchedTitles = new Set(matched.map((m) => m.movie.title.toLowerCase()));
    const missed = ratings.length - matched.length;
    const examples = ratings
      .filter((r) => !matchedTitles.has(r.title.toLowerCase()))
      .slice(0, UNMATCHED_SHOWN)
      .map((r) => sanitizeEcho(titleWithYear(r), 60));
    return {
      text:
        `Imported ${matched.length} of ${ratings.length} ratings from your ${format === 'imdb' ? 'IMDb' : 'Letterboxd'} export.` +
        (missed > 0 ? ` ${missed} aren't in my catalog (e.g. ${examples.join(', ')}).` : ''),
      ephemeral: true,
      data: { format, imported: matched.length, total: ratings.length },
    };
  },
});

async function readExport(
  attachments: { name: string; content?: string; url?: string; size?: number }[] | undefined,
  text: string,
  allowPath: boolean,
): Promise<string> {
  const file = attachments?.find((a) => a.content !== undefined) ?? attachments?.find((a) => a.url);
  if (file?.content !== undefined) {
    if (file.content.length > MAX_IMPORT_BYTES)
      throw new UserError('file-too-big', 'That file is too big to import.');
    return file.content;
  }
  if (file?.url) return fetchAttachment(file.url, file.size);
  // Reading server paths is a console-only convenience: on chat platforms it would expose the host's files.
  if (allowPath && text) {
    const stat = await fs.stat(text).catch(() => null);
    if (!stat?.isFile()) throw new UserError('no-file', `No file at ${sanitizeEcho(text)}.`);
    if (stat.size > MAX_IMPORT_BYTES) throw new UserError('file-too-big', 'That file is too big to import.');
    return fs.readFile(text, 'utf8');
  }
  throw new UserError('no-file', 'Attach your ratings.csv export (Letterboxd or IMDb) to `/import`.');
}

const FETCH_TIMEOUT_MS = 15_000;

/** Downloads an attachment the platform only linked (https only, bounded in size and time). */
async function fetchAttachment(url: string, size: number | undefined): Promise<string> {
  if (!url.startsWith('https://'))
    throw new UserError('bad-attachment', 'I can only read attachments served over https.');
  if (size !== undefined && size > MAX_IMPORT_BYTES)
    throw new UserError('file-too-big', 'That file is too big to import.');
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(
    (error: unknown) => {
      throw new UserError('attachment-unreachable', "I couldn't download that file; please try again.", {
        cause: error,
      });
    },
  );
  if (!response.ok)
    throw new UserError('attachment-unreachable', "I couldn't download that file; please try again.");
  const body = await response.arrayBuffer();
  if (body.byteLength > MAX_IMPORT_BYTES)
    throw new UserError('file-too-big', 'That file is too big to import.');
  return new TextDecoder().decode(body);
}
