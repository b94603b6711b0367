import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, desc } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { models, movies } from '../../src/db/schema.ts';
import {
  modelCacheDir,
  readCachedModel,
  sha256Hex,
  writeCachedModel,
} from '../../src/recommend/model-cache.ts';
import { createRecommenderService } from '../../src/recommend/service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { captureLogger } from '../ops/log-capture.ts';

const KEY = '0b7a4c1e-5f7d-4c43-9a51-3c1f0a6e2d11';
const homes: string[] = [];
/** A fresh MOVIEREC_HOME, as another checkout would have. */
function newHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-home-'));
  homes.push(home);
  return home;
}
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

describe('model cache files', () => {
  let { logger, text } = captureLogger();
  const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) % 251);
  const fileIn = (dir: string) => path.join(dir, `${KEY}.model`);
  afterEach(() => {
    ({ logger, text } = captureLogger());
  });

  it('writes atomically into a private directory and reads the same bytes back', () => {
    const dir = modelCacheDir(newHome());
    writeCachedModel(dir, KEY, bytes, logger);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(fileIn(dir)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([`${KEY}.model`]); // no temp file left behind
    expect(Buffer.from(readCachedModel(dir, KEY, sha256Hex(bytes), logger)!)).toEqual(Buffer.from(bytes));
  });

  it('deletes a truncated file and reports a miss', () => {
    const dir = modelCacheDir(newHome());
    writeCachedModel(dir, KEY, bytes, logger);
    fs.truncateSync(fileIn(dir), 1000);
    expect(readCachedModel(dir, KEY, undefined, logger)).toBeNull();
    expect(fs.existsSync(fileIn(dir))).toBe(false);
    expect(text()).toContain('checksum mismatch');
  });

  it('deletes a file whose bytes do not match its checksum', () => {
    const dir = modelCacheDir(newHome());
    writeCachedModel(dir, KEY, bytes, logger);
    const raw = fs.readFileSync(fileIn(dir));
    raw[raw.length - 1]! ^= 0xff;
    fs.writeFileSync(fileIn(dir), raw);
    expect(readCachedModel(dir, KEY, undefined, logger)).toBeNull();
    expect(fs.existsSync(fileIn(dir))).toBe(false);
  });

  it('refuses a sound file that is not the stored model (copied from another checkout)', () => {
    const dir = modelCacheDir(newHome());
    const foreign = Uint8Array.from(bytes, (b) => b ^ 1);
    writeCachedModel(dir, KEY, foreign, logger);
    expect(readCachedModel(dir, KEY, sha256Hex(bytes), logger)).toBeNull();
    expect(text()).toContain('not the stored model');
  });

  it('takes group and other permissions away from a loosened directory, and ignores a symlinked one', () => {
    const dir = modelCacheDir(newHome());
    writeCachedModel(dir, KEY, bytes, logger);
    fs.chmodSync(dir, 0o777);
    expect(readCachedModel(dir, KEY, undefined, logger)).not.toBeNull();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const link = path.join(newHome(), 'model-cache');
    fs.symlinkSync(dir, link);
    expect(readCachedModel(link, KEY, undefined, logger)).toBeNull();
  });
});

describe('recommender service with a damaged cache', () => {
  let handle: TestDatabase;
  const { logger } = captureLogger();
  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    await handle.db.insert(movies).values(
      ['Alien', 'Aliens', 'Blade Runner', 'Notting Hill', 'Love Actually'].map((title, i) => ({
        title,
        year: 1979 + i,
        genres: i < 3 ? ['Sci-Fi'] : ['Comedy'],
        source: 'manual' as const,
      })),
    );
  });
  afterAll(async () => {
    await handle?.destroy();
  });

  const modelCount = async () => (await handle.db.select({ n: count() }).from(models))[0]!.n;
  const newestKey = async () =>
    (await handle.db.select({ meta: models.meta }).from(models).orderBy(desc(models.id)).limit(1))[0]!.meta[
      'key'
    ] as string;

  it('loads the database copy (no retraining) when the cached file is truncated or not the stored model', async () => {
    const dir = modelCacheDir(newHome());
    const trainer = createRecommenderService({ db: handle.db, logger, cacheDir: dir, cacheMinBytes: 0 });
    await trainer.retrain();
    const version = (await trainer.current()).version;
    await trainer.close();
    const file = path.join(dir, `${await newestKey()}.model`);
    const good = fs.readFileSync(file);
    const stored = await modelCount();

    for (const spoil of [
      () => fs.truncateSync(file, Math.floor(good.length / 2)),
      // A sound cache file of another database's model under this key: only the digest in the
      // model's meta tells them apart.
      () => writeCachedModel(dir, path.basename(file, '.model'), new Uint8Array(good.length).fill(7), logger),
    ]) {
      spoil();
      const log = captureLogger();
      const reader = createRecommenderService({
        db: handle.db,
        logger: log.logger,
        cacheDir: dir,
        cacheMinBytes: 0,
      });
      expect((await reader.current()).version).toBe(version);
      await reader.close();
      expect(await modelCount()).toBe(stored);
      expect(log.text()).not.toContain('model trained');
      expect(log.text()).toContain('model cache file unusable');
      // The bad file was replaced by the database copy.
      expect(fs.readFileSync(file)).toEqual(good);
    }
  });

  it('never reads the old shared temp-dir cache, where anyone could plant a file', async () => {
    const first = createRecommenderService({ db: handle.db, logger });
    const version = (await first.current()).version;
    await first.close();
    const shared = path.join(os.tmpdir(), 'movierec-model-cache');
    const planted = path.join(shared, `${await newestKey()}.v8`);
    const existed = fs.existsSync(planted);
    fs.mkdirSync(shared, { recursive: true });
    if (!existed) fs.writeFileSync(planted, 'planted by someone else');
    try {
      // The service's own cache is in its home; a model over any size would be cached there.
      const stored = await modelCount();
      const service = createRecommenderService({ db: handle.db, logger, cacheMinBytes: 0 });
      expect((await service.current()).version).toBe(version);
      await service.close();
      expect(await modelCount()).toBe(stored);
    } finally {
      if (!existed) fs.rmSync(planted, { force: true });
    }
  });
});
