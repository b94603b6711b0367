import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadImdb, imdbCacheDir } from '../../src/catalog/imdb-download.ts';
import { IMDB_FILES } from '../../src/catalog/imdb-files.ts';
import { readImdbDir } from '../../src/catalog/imdb-read.ts';
import { UserError } from '../../src/errors.ts';
import { IMDB_FIXTURE_DIR } from './imdb-fixture.ts';

/** The fixture files gzipped, as datasets.imdbws.com serves them. */
const FILES = new Map(
  IMDB_FILES.map((f) => [`/${f}.tsv.gz`, gzipSync(fs.readFileSync(path.join(IMDB_FIXTURE_DIR, `${f}.tsv`)))]),
);

interface Served {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  status: number;
}

/**
 * A static file server with the parts of HTTP range requests the downloader relies on (RFC 9110):
 * `Range: bytes=N-` gets 206 with `Content-Range: bytes N-last/size` (§14.4, §15.3.7); with `If-Range`
 * the range is honoured only when the validator still matches, otherwise the whole file comes with 200
 * (§13.1.5). Each file can be made to break off after some bytes, once, or to change its ETag.
 */
function createFileServer() {
  const log: Served[] = [];
  const cutOnce = new Map<string, number>();
  /**
   * Checked before the connection is dropped: the reset waits until it holds (at most 5 s), so the bytes
   * sent before it have landed in the client's partial file. Otherwise how many land is up to the network
   * stack: a reset can reach the client before the data it followed, and the stream then drops them.
   */
  let landed: () => boolean = () => true;
  const etags = new Map<string, string>();
  const overrides = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const file = req.url ?? '';
    const body = overrides.get(file) ?? FILES.get(file);
    const range = req.headers.range;
    const ifRange = req.headers['if-range'] as string | undefined;
    const etag = etags.get(file) ?? `"v1-${file}"`;
    if (!body) {
      log.push({ path: file, range, ifRange, status: 404 });
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(range ?? '');
    if (match && (!ifRange || ifRange === etag) && Number(match[1]) < body.length) start = Number(match[1]);
    const status = start > 0 ? 206 : 200;
    log.push({ path: file, range, ifRange, status });
    const headers: Record<string, string | number> = { etag, 'content-length': body.length - start };
    if (status === 206) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(status, headers);
    const cut = cutOnce.get(file);
    if (cut !== undefined) {
      cutOnce.delete(file);
      // Sends part of the body, then drops the connection: a network failure mid-download.
      res.write(body.subarray(start, cut), () => {
        const deadline = Date.now() + 5_000;
        const drop = () => (landed() || Date.now() > deadline ? res.destroy() : setTimeout(drop, 5));
        drop();
      });
      return;
    }
    res.end(body.subarray(start));
  });
  const whenLanded = (check: () => boolean) => {
    landed = check;
  };
  return { server, log, cutOnce, etags, overrides, whenLanded };
}

describe('downloadImdb against a local server', () => {
  let fake: ReturnType<typeof createFileServer>;
  let baseUrl: string;
  let home: string;

  beforeAll(async () => {
    fake = createFileServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => fake.server.close(resolve));
  });
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-imdb-'));
    fake.log.length = 0;
    fake.cutOnce.clear();
    fake.etags.clear();
    fake.overrides.clear();
    fake.whenLanded(() => true);
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('downloads every file once, then serves them from the cache', async () => {
    const first = await downloadImdb({ baseUrl, home });
    expect(first.downloaded).toEqual([...IMDB_FILES]);
    for (const [name, bytes] of FILES) expect(fs.readFileSync(path.join(first.dir, name))).toEqual(bytes);
    expect((await readImdbDir(first.dir)).films.map((f) => f.title)).toContain('Oppenheimer');
    fake.log.length = 0;
    const second = await downloadImdb({ baseUrl, home });
    expect(second.cached).toEqual([...IMDB_FILES]);
    expect(fake.log).toEqual([]);
  });

  it('resumes a download that broke off, with a Range request, and ends with the whole file', async () => {
    const file = '/title.principals.tsv.gz';
    const size = FILES.get(file)!.length;
    fake.cutOnce.set(file, Math.floor(size / 2));
    const partial = path.join(imdbCacheDir(home), 'title.principals.tsv.gz.partial');
    fake.whenLanded(() => fs.existsSync(partial) && fs.statSync(partial).size > 0);
    const failed = await downloadImdb({ baseUrl, home }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(UserError);
    expect((failed as UserError).message).toMatch(/resume/);
    const kept = fs.statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(size);

    fake.log.length = 0;
    const result = await downloadImdb({ baseUrl, home });
    expect(result.resumed).toEqual(['title.principals']);
    const resumedRequest = fake.log.find((r) => r.path === file)!;
    expect(resumedRequest).toMatchObject({ range: `bytes=${kept}-`, ifRange: `"v1-${file}"`, status: 206 });
    expect(fs.readFileSync(path.join(result.dir, 'title.principals.tsv.gz'))).toEqual(FILES.get(file));
    expect(fs.existsSync(partial)).toBe(false);
  });

  it('starts over when the file changed on the server since the partial download', async () => {
    const file = '/title.crew.tsv.gz';
    // Break the download off after 20 bytes, once they are in the partial file: a partial file to resume.
    const partial = path.join(imdbCacheDir(home), 'title.crew.tsv.gz.partial');
    fake.cutOnce.set(file, 20);
    fake.whenLanded(() => fs.existsSync(partial) && fs.statSync(partial).size > 0);
    await downloadImdb({ baseUrl, home }).catch(() => {});
    const kept = fs.statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    fake.etags.set(file, '"v2"');
    fake.log.length = 0;
    const result = await downloadImdb({ baseUrl, home });
    expect(fake.log.find((r) => r.path === file)).toMatchObject({ range: `bytes=${kept}-`, status: 200 });
    expect(result.downloaded).toContain('title.crew');
    expect(fs.readFileSync(path.join(result.dir, 'title.crew.tsv.gz'))).toEqual(FILES.get(file));
  });

  it('discards a file that is not valid gzip and says so', async () => {
    fake.overrides.set('/name.basics.tsv.gz', Buffer.from('<html>not the dataset</html>'));
    await expect(downloadImdb({ baseUrl, home })).rejects.toThrow(/not arrive as a valid gzip file/);
    const dir = imdbCacheDir(home);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('name.basics'))).toEqual([]);
  });

  it('fails with "are you offline?" when nothing answers', async () => {
    await expect(downloadImdb({ baseUrl: 'http://127.0.0.1:9', home })).rejects.toThrow(
      /are you offline\?.*--from DIR/,
    );
  });
});
