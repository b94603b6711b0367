/**
 * Gets the export the user attached: content the adapter already fetched, a link to download, or (in
 * the console only) a path on this machine; decoded with its encoding detected where the bytes exist.
 */
import fs from 'node:fs/promises';
import { UserError } from '../../errors.ts';
import { sanitizeEcho } from '../text.ts';
import type { Attachment } from '../types.ts';
import { checkDecodedText, type DecodedExport, decodeExportBytes } from './decode.ts';

/** Largest export accepted (a heavy Letterboxd user's ratings.csv is well under 1 MB). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

const tooBig = () =>
  new UserError(
    'file-too-big',
    `That file is too big to import (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB).`,
  );

/** The attachment (or console path) as text; throws a friendly UserError when there is none. */
export async function readAttachedExport(
  attachments: Attachment[] | undefined,
  text: string,
  allowPath: boolean,
): Promise<DecodedExport> {
  const file = attachments?.find((a) => a.content !== undefined) ?? attachments?.find((a) => a.url);
  if (file?.content !== undefined) {
    if (file.content.length > MAX_IMPORT_BYTES) throw tooBig();
    const decoded = checkDecodedText(file.content);
    // The adapter decoded it as UTF-8 and lost bytes that were not; when the platform also gave a link,
    // the original bytes can be read again and their encoding detected.
    if (decoded.note && file.url?.startsWith('https://')) {
      return fetchAttachment(file.url, file.size).catch(() => decoded);
    }
    return decoded;
  }
  if (file?.url) return fetchAttachment(file.url, file.size);
  // Reading server paths is a console-only convenience: on chat platforms it would expose the host's files.
  if (allowPath && text) {
    const stat = await fs.stat(text).catch(() => null);
    if (!stat?.isFile()) throw new UserError('no-file', `No file at ${sanitizeEcho(text)}.`);
    if (stat.size > MAX_IMPORT_BYTES) throw tooBig();
    return decodeExportBytes(await fs.readFile(text));
  }
  throw new UserError('no-file', 'Attach your ratings.csv export (Letterboxd or IMDb) to `/import`.');
}

/** Downloads an attachment the platform only linked (https only, bounded in size and time). */
async function fetchAttachment(url: string, size: number | undefined): Promise<DecodedExport> {
  if (!url.startsWith('https://'))
    throw new UserError('bad-attachment', 'I can only read attachments served over https.');
  if (size !== undefined && size > MAX_IMPORT_BYTES) throw tooBig();
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
  if (body.byteLength > MAX_IMPORT_BYTES) throw tooBig();
  return decodeExportBytes(new Uint8Array(body));
}
