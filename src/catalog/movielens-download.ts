import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { UserError } from '../errors.ts';
import { downloadRequest, offlineError } from './download-request.ts';

/** The whole archive (ml-latest-small is ~1 MB) must arrive within this long. */
const DOWNLOAD_TIMEOUT_MS = 180_000;
/** What to do instead when the download fails. */
const HINT = 'Use --from DIR to import a MovieLens directory you already have.';
const CACHE_MARKER = '.movierec-download.json';
/** Files of the ml-latest-small layout worth extracting; everything else in the archive is left out. */
const WANTED_FILES = new Set(['movies.csv', 'ratings.csv', 'tags.csv', 'links.csv', 'README.txt']);
const REQUIRED_FILES = ['movies.csv', 'ratings.csv'];

export interface DownloadProgress {
  received: number;
  /** Content-Length when the server sends one. */
  total: number | null;
}

export interface DownloadMovieLensOptions {
  /** The zip to download, e.g. `config.movielensUrl`. */
  url: string;
  /** `MOVIEREC_HOME`: the archive is extracted under `<home>/downloads/<name>/`. */
  home: string;
  /** Pinned MD5 of the zip; when absent the `<url>.md5` file published next to it is fetched. */
  md5?: string | undefined;
  /** Download again even when the cache holds a copy. */
  force?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadMovieLensResult {
  /** Directory holding movies.csv, ratings.csv, … */
  dir: string;
  /** True when the cached copy was used and nothing was downloaded. */
  cached: boolean;
  md5: string;
}

interface CacheMarker {
  url: string;
  md5: string;
  downloadedAt: string;
}

/**
 * Makes a MovieLens archive available locally: downloads the zip from `url`, checks its MD5 (pinned, or
 * GroupLens' `<url>.md5`), extracts the CSV files into `<home>/downloads/<name>/` and returns that
 * directory. A complete earlier download of the same URL is reused without touching the network.
 * Throws a {@link UserError} that suggests `--from DIR` when the network cannot be reached.
 */
export async function downloadMovieLens(options: DownloadMovieLensOptions): Promise<DownloadMovieLensResult> {
  const dir = movieLensCacheDir(options.home, options.url);
  const pinned = options.md5?.trim().toLowerCase();
  if (pinned !== undefined && !/^[0-9a-f]{32}$/.test(pinned)) {
    throw new UserError('movielens-checksum', `--md5 ${options.md5} is not an MD5 checksum (32 hex digits)`);
  }
  const marker = readMarker(dir);
  if (!options.force && marker && marker.url === options.url && (!pinned || pinned === marker.md5)) {
    return { dir, cached: true, md5: marker.md5 };
  }

  const expected = pinned ?? parseMd5File(await fetchText(`${options.url}.md5`), `${options.url}.md5`);
  const archive = await fetchBytes(options.url, options.onProgress);
  const actual = createHash('md5').update(archive).digest('hex');
  if (actual !== expected) {
    throw new UserError(
      'movielens-checksum',
      `the download of ${options.url} is corrupt or not the expected file: MD5 ${actual}, expected ${expected}. ` +
        'Try again, or import a directory you trust with --from DIR.',
    );
  }
  extractArchive(archive, dir, options.url);
  const written: CacheMarker = { url: options.url, md5: actual, downloadedAt: new Date().toISOString() };
  fs.writeFileSync(path.join(dir, CACHE_MARKER), `${JSON.stringify(written, null, 2)}\n`);
  return { dir, cached: false, md5: actual };
}

/** `<home>/downloads/ml-latest-small` for `…/ml-latest-small.zip`. */
export function movieLensCacheDir(home: string, url: string): string {
  const base = path.basename(new URL(url).pathname).replace(/\.zip$/i, '') || 'movielens';
  return path.join(home, 'downloads', base.replace(/[^\w.-]/g, '_'));
}

/** GroupLens publishes `MD5 (ml-latest-small.zip) = <hex>`; plain `md5sum` output works too. */
export function parseMd5File(text: string, source: string): string {
  const match = /\b([0-9a-fA-F]{32})\b/.exec(text);
  if (!match) throw new UserError('movielens-checksum', `${source} holds no MD5 checksum`);
  return match[1]!.toLowerCase();
}

function readMarker(dir: string): CacheMarker | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, CACHE_MARKER), 'utf8')) as CacheMarker;
    const complete = REQUIRED_FILES.every((f) => fs.existsSync(path.join(dir, f)));
    return complete ? marker : undefined;
  } catch {
    return undefined;
  }
}

/** Extracts the wanted files into a temporary sibling, then swaps it in, so a cache is never half-written. */
function extractArchive(archive: Uint8Array, dir: string, url: string): void {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(archive, { filter: (f) => WANTED_FILES.has(path.posix.basename(f.name)) });
  } catch (error) {
    throw new UserError(
      'movielens-archive',
      `${url} is not a readable zip archive: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, content] of Object.entries(entries)) {
    // Only the base name is used, so no entry can write outside the cache directory.
    const base = path.posix.basename(name);
    if (!files.has(base)) files.set(base, content);
  }
  const missing = REQUIRED_FILES.filter((f) => !files.has(f));
  if (missing.length > 0) {
    throw new UserError('movielens-archive', `${url} does not contain ${missing.join(' and ')}`);
  }
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  for (const [name, content] of files) fs.writeFileSync(path.join(staging, name), content);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
}

async function fetchText(url: string): Promise<string> {
  const response = await downloadRequest(url, {
    code: 'movielens-download',
    hint: HINT,
    totalMs: DOWNLOAD_TIMEOUT_MS,
  });
  return response.text();
}

async function fetchBytes(url: string, onProgress?: (p: DownloadProgress) => void): Promise<Uint8Array> {
  const response = await downloadRequest(url, {
    code: 'movielens-download',
    hint: HINT,
    totalMs: DOWNLOAD_TIMEOUT_MS,
  });
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const parts: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body) {
      parts.push(chunk);
      received += chunk.byteLength;
      onProgress?.({ received, total });
    }
  } catch (error) {
    throw offlineError(url, error, HINT);
  }
  return Buffer.concat(parts);
}
