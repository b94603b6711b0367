import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';

/**
 * Local copies of stored models, by their unique key, so a fresh CLI process need not fetch megabytes
 * of bytea. The directory is private to one checkout (under `MOVIEREC_HOME`, mode 0700), never the
 * shared, world-writable temp dir where another checkout evicted the files and anyone could plant one.
 * Each file carries the SHA-256 of its model bytes in a header; a file that does not match (truncated,
 * corrupt, or not the stored model it claims to be) is deleted and the caller loads the database copy.
 */

/** The cache directory of a movierec home. */
export function modelCacheDir(home: string): string {
  return path.join(home, 'model-cache');
}

/** `MRMODEL1` + SHA-256 of the payload + payload. */
const MAGIC = Buffer.from('MRMODEL1', 'ascii');
const DIGEST_BYTES = 32;
const HEADER_BYTES = MAGIC.length + DIGEST_BYTES;
const SUFFIX = '.model';
/** Cached copies kept; older ones are deleted after a write. */
export const CACHE_FILES_KEPT = 5;

/** SHA-256 of the bytes, hex: stored in a model's meta and checked against every cached copy. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function cacheFile(dir: string, key: string): string | null {
  // Keys are UUIDs made by the trainer; anything else never names a file.
  return /^[0-9a-f-]{36}$/.test(key) ? path.join(dir, `${key}${SUFFIX}`) : null;
}

/**
 * The cached bytes of model `key`, or null (then load the database copy). `expectedSha256` is the
 * digest stored with the model, when it has one: a cached file must hold exactly those bytes. A file
 * that fails any check is deleted, so it is not read again.
 */
export function readCachedModel(
  dir: string,
  key: string,
  expectedSha256: string | undefined,
  logger: Logger,
): Uint8Array | null {
  const file = cacheFile(dir, key);
  if (!file || !privateDirOk(dir)) return null;
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return null; // not cached
  }
  const payload = raw.subarray(HEADER_BYTES);
  const digest = raw.subarray(MAGIC.length, HEADER_BYTES);
  const problem =
    raw.length < HEADER_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC)
      ? 'no header'
      : !createHash('sha256').update(payload).digest().equals(digest)
        ? 'checksum mismatch (truncated or corrupt)'
        : expectedSha256 !== undefined && digest.toString('hex') !== expectedSha256
          ? 'not the stored model'
          : null;
  if (problem === null) return payload;
  logger.warn({ problem, bytes: raw.length }, 'model cache file unusable: deleted, loading the stored model');
  fs.rmSync(file, { force: true });
  return null;
}

/**
 * Writes model `key` atomically (a private temp file, then rename: readers see the whole file or
 * none) and keeps the newest {@link CACHE_FILES_KEPT}. Best effort: a cache that cannot be written
 * only costs speed.
 */
export function writeCachedModel(dir: string, key: string, bytes: Uint8Array, logger: Logger): void {
  const file = cacheFile(dir, key);
  if (!file) return;
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateDirOk(dir)) return;
    const digest = createHash('sha256').update(bytes).digest();
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, MAGIC);
      fs.writeSync(fd, digest);
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    const old = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(SUFFIX))
      .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(CACHE_FILES_KEPT);
    for (const { f } of old) fs.rmSync(path.join(dir, f), { force: true });
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    logger.debug({ err: error }, 'model cache not written');
  }
}

/**
 * The directory is a real directory (not a symlink) owned by this user; group/other permissions are
 * taken away if someone loosened them. False (cache unused) otherwise.
 */
function privateDirOk(dir: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (!stat.isDirectory()) return false;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return false;
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return true;
}
