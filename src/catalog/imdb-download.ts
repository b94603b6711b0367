/**
 * Downloading IMDb's dataset files into a cache under MOVIEREC_HOME, resumably: a download in progress
 * is written to `<file>.partial` (with the server's validator beside it), and a later run asks for the
 * rest with an HTTP Range request, so an interrupted 600 MB title.principals does not start over. A file
 * becomes `<file>` only once it is complete and decompresses as valid gzip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.ts';
import { downloadRequest, offlineError } from './download-request.ts';
import { IMDB_FILES, type ImdbFile } from './imdb-files.ts';

/** What to do when a download breaks off. */
const OFFLINE_HINT =
  'What arrived is kept and the next run resumes it; or use --from DIR to import IMDb files you already have.';
/** A body that stops arriving for this long is abandoned (and resumed on the next run). */
const STALL_TIMEOUT_MS = 60_000;

export interface ImdbDownloadProgress {
  file: ImdbFile;
  /** Bytes on disk so far (including a resumed part) and the file's size when known. */
  received: number;
  total: number | null;
}

export interface DownloadImdbOptions {
  /** Where the files are published, e.g. `https://datasets.imdbws.com` (`config.imdbDatasetsUrl`). */
  baseUrl: string;
  /** `MOVIEREC_HOME`: files go to `<home>/downloads/imdb/`. */
  home: string;
  /** Download again even when the cache holds complete files. */
  force?: boolean;
  onProgress?: (p: ImdbDownloadProgress) => void;
  fetch?: typeof fetch;
}

export interface DownloadImdbResult {
  dir: string;
  /** Files taken from the cache, downloaded afresh, and resumed from a partial download. */
  cached: ImdbFile[];
  downloaded: ImdbFile[];
  resumed: ImdbFile[];
}

/** What the server said about a partial download's file, so a resume never mixes two versions. */
interface PartialMarker {
  url: string;
  etag: string | null;
  lastModified: string | null;
}

/** `<home>/downloads/imdb`. */
export function imdbCacheDir(home: string): string {
  return path.join(home, 'downloads', 'imdb');
}

/**
 * Makes every IMDb file an import needs available under `<home>/downloads/imdb/` and returns that
 * directory. Complete files are reused; partial ones are resumed. Failures become a {@link UserError}
 * that suggests `--from DIR`; what was received so far stays for the next run.
 */
export async function downloadImdb(options: DownloadImdbOptions): Promise<DownloadImdbResult> {
  const dir = imdbCacheDir(options.home);
  fs.mkdirSync(dir, { recursive: true });
  const result: DownloadImdbResult = { dir, cached: [], downloaded: [], resumed: [] };
  for (const file of IMDB_FILES) {
    const target = path.join(dir, `${file}.tsv.gz`);
    if (options.force) fs.rmSync(target, { force: true });
    if (fs.existsSync(target)) {
      result.cached.push(file);
      continue;
    }
    const url = `${options.baseUrl.replace(/\/+$/, '')}/${file}.tsv.gz`;
    const resumed = await downloadFile(url, target, file, options);
    (resumed ? result.resumed : result.downloaded).push(file);
  }
  return result;
}

/** Downloads `url` to `target` through `<target>.partial`; returns true when it resumed a partial file. */
async function downloadFile(
  url: string,
  target: string,
  file: ImdbFile,
  options: DownloadImdbOptions,
): Promise<boolean> {
  const partial = `${target}.partial`;
  const markerPath = `${partial}.json`;
  const marker = readMarker(markerPath);
  let offset = marker?.url === url && fs.existsSync(partial) ? fs.statSync(partial).size : 0;
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    // RFC 9110 §13.1.5: with If-Range the server sends the whole file (200) if it changed since.
    const validator = marker!.etag ?? marker!.lastModified;
    if (validator) headers['if-range'] = validator;
  }
  const response = await downloadRequest(url, {
    code: 'imdb-download',
    hint: 'Use --from DIR to import files you already have.',
    headers,
    fetchFn: options.fetch,
  });
  const resuming = offset > 0 && response.status === 206 && contentRangeStart(response) === offset;
  if (!resuming) offset = 0;
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? offset + length : null;
  const written: PartialMarker = {
    url,
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
  };
  if (!resuming) fs.writeFileSync(markerPath, JSON.stringify(written));
  let received = offset;
  options.onProgress?.({ file, received, total });
  const stalled = new AbortController();
  let stall: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(stall);
    stall = setTimeout(() => stalled.abort(new Error('the download stalled')), STALL_TIMEOUT_MS);
  };
  try {
    if (!response.body) throw new Error('empty response body');
    watch();
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
      async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          watch();
          received += chunk.byteLength;
          options.onProgress?.({ file, received, total });
          yield chunk;
        }
      },
      fs.createWriteStream(partial, { flags: resuming ? 'a' : 'w' }),
      { signal: stalled.signal },
    );
  } catch (error) {
    throw offlineError(url, error, OFFLINE_HINT);
  } finally {
    clearTimeout(stall);
  }
  if (total !== null && received !== total) {
    throw new UserError(
      'imdb-download',
      `the download of ${url} ended after ${received} of ${total} bytes; run the import again to resume it.`,
    );
  }
  if (!(await isValidGzip(partial))) {
    fs.rmSync(partial, { force: true });
    fs.rmSync(markerPath, { force: true });
    throw new UserError(
      'imdb-download',
      `${url} did not arrive as a valid gzip file (discarded); run the import again, or use --from DIR.`,
    );
  }
  fs.renameSync(partial, target);
  fs.rmSync(markerPath, { force: true });
  return resuming;
}

/** True when the whole file decompresses without error (a truncated or spliced file does not). */
export async function isValidGzip(file: string): Promise<boolean> {
  try {
    await pipeline(fs.createReadStream(file), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source) {
        // Decompressing to nowhere: only whether it succeeds matters.
      }
    });
    return true;
  } catch {
    return false;
  }
}

function contentRangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

function readMarker(file: string): PartialMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PartialMarker;
  } catch {
    return undefined;
  }
}
