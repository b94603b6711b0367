import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadMovieLens, parseMd5File } from '../../src/catalog/movielens-download.ts';
import { readMovieLensDir } from '../../src/catalog/movielens-files.ts';
import { UserError } from '../../src/errors.ts';
import { SMALL_LINKS, SMALL_MOVIES, SMALL_RATINGS, SMALL_TAGS } from './fixtures.ts';

const URL_ZIP = 'https://files.example.test/datasets/movielens/ml-latest-small.zip';

function buildZip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

const ZIP = buildZip({
  'ml-latest-small/movies.csv': SMALL_MOVIES,
  'ml-latest-small/ratings.csv': SMALL_RATINGS,
  'ml-latest-small/tags.csv': SMALL_TAGS,
  'ml-latest-small/links.csv': SMALL_LINKS,
  'ml-latest-small/README.txt': 'test data',
  'ml-latest-small/../../evil.csv': 'must not escape',
});
const ZIP_MD5 = createHash('md5').update(ZIP).digest('hex');

const server = setupServer();
let requests: string[] = [];
let home: string;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  requests = [];
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-home-'));
  server.events.on('request:start', ({ request }) => {
    requests.push(new URL(request.url).pathname);
  });
});
afterEach(() => {
  server.resetHandlers();
  server.events.removeAllListeners();
  fs.rmSync(home, { recursive: true, force: true });
});

function serve(zip: Uint8Array, md5Text: string | null) {
  server.use(
    http.get(URL_ZIP, () => new HttpResponse(zip, { headers: { 'content-type': 'application/zip' } })),
    http.get(`${URL_ZIP}.md5`, () =>
      md5Text === null ? new HttpResponse('not found', { status: 404 }) : HttpResponse.text(md5Text),
    ),
  );
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('downloadMovieLens', () => {
  it('downloads, checks the published MD5, extracts into the cache and reuses it', async () => {
    serve(ZIP, `MD5 (ml-latest-small.zip) = ${ZIP_MD5}\n`);
    const progress: number[] = [];
    const first = await downloadMovieLens({
      url: URL_ZIP,
      home,
      onProgress: (p) => progress.push(p.received),
    });
    expect(first).toEqual({
      dir: path.join(home, 'downloads', 'ml-latest-small'),
      cached: false,
      md5: ZIP_MD5,
    });
    expect(requests.sort()).toEqual([
      '/datasets/movielens/ml-latest-small.zip',
      '/datasets/movielens/ml-latest-small.zip.md5',
    ]);
    expect(progress.at(-1)).toBe(ZIP.byteLength);
    expect(fs.readdirSync(first.dir).sort()).toEqual(
      ['.movierec-download.json', 'README.txt', 'links.csv', 'movies.csv', 'ratings.csv', 'tags.csv'].sort(),
    );
    expect(fs.existsSync(path.join(home, 'evil.csv'))).toBe(false);
    expect(readMovieLensDir(first.dir).ratings).toHaveLength(6);

    requests = [];
    const second = await downloadMovieLens({ url: URL_ZIP, home });
    expect(second).toEqual({ ...first, cached: true });
    expect(requests).toEqual([]);
  });

  it('uses a pinned checksum without fetching the .md5 file', async () => {
    server.use(http.get(URL_ZIP, () => new HttpResponse(ZIP)));
    const result = await downloadMovieLens({ url: URL_ZIP, home, md5: ZIP_MD5.toUpperCase() });
    expect(result.cached).toBe(false);
    expect(requests).toEqual(['/datasets/movielens/ml-latest-small.zip']);
  });

  it('rejects a download whose checksum does not match and caches nothing', async () => {
    serve(ZIP, `MD5 (ml-latest-small.zip) = ${'0'.repeat(32)}`);
    const error = await failure(downloadMovieLens({ url: URL_ZIP, home }));
    expect(error.code).toBe('movielens-checksum');
    expect(error.message).toContain(ZIP_MD5);
    expect(fs.existsSync(path.join(home, 'downloads', 'ml-latest-small'))).toBe(false);
  });

  it('rejects a malformed pinned checksum before any request', async () => {
    const error = await failure(downloadMovieLens({ url: URL_ZIP, home, md5: 'abc' }));
    expect(error.code).toBe('movielens-checksum');
    expect(requests).toEqual([]);
  });

  it('says "are you offline? use --from DIR" on a network error', async () => {
    server.use(
      http.get(`${URL_ZIP}.md5`, () => HttpResponse.error()),
      http.get(URL_ZIP, () => HttpResponse.error()),
    );
    const error = await failure(downloadMovieLens({ url: URL_ZIP, home }));
    expect(error.code).toBe('offline');
    expect(error.message).toMatch(/could not download .*ml-latest-small\.zip.*are you offline\?.*--from DIR/);
  });

  it('reports an HTTP error status', async () => {
    serve(ZIP, null);
    const error = await failure(downloadMovieLens({ url: URL_ZIP, home }));
    expect(error.code).toBe('movielens-download');
    expect(error.message).toContain('HTTP 404');
  });

  it('rejects an archive without ratings.csv, and one that is not a zip', async () => {
    const incomplete = buildZip({ 'ml-latest-small/movies.csv': SMALL_MOVIES });
    server.use(http.get(URL_ZIP, () => new HttpResponse(incomplete)));
    const md5 = createHash('md5').update(incomplete).digest('hex');
    expect((await failure(downloadMovieLens({ url: URL_ZIP, home, md5 }))).message).toMatch(/ratings.csv/);

    const garbage = strToU8('<html>captive portal</html>');
    server.use(http.get(URL_ZIP, () => new HttpResponse(garbage)));
    const garbageMd5 = createHash('md5').update(garbage).digest('hex');
    const error = await failure(downloadMovieLens({ url: URL_ZIP, home, md5: garbageMd5 }));
    expect(error.code).toBe('movielens-archive');
  });
});

describe('parseMd5File', () => {
  it('reads the GroupLens and md5sum formats', () => {
    const hex = 'a'.repeat(8) + 'B'.repeat(24);
    expect(parseMd5File(`MD5 (x.zip) = ${hex}`, 'x')).toBe(hex.toLowerCase());
    expect(parseMd5File(`${hex}  x.zip\n`, 'x')).toBe(hex.toLowerCase());
    expect(() => parseMd5File('<html>', 'x.md5')).toThrow(/x.md5 holds no MD5/);
  });
});
