// The compiled form of movierec that bin/movierec.js runs: src/ and adapters/ bundled by esbuild into
// plain JavaScript under node_modules/.cache/movierec/<key>/, with the npm packages left as imports.
// A process running it needs no TypeScript loader: no tsx loader thread, no transformed sources or
// source maps kept in memory (about 75 MB less resident in a bot process; bench/README.md).
//
// <key> is a hash of every source file's content, so an edited checkout gets a new build on its next
// start, and processes starting at once share one: each builds into a directory of its own and the
// first rename wins. Old builds are pruned: the newest few, and any started from in the last day, stay.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const SOURCES = ['src', 'adapters'];
const KEEP_BUILDS = 3;

/**
 * Entry points of the bundle. The worker entries are started by name from src/recommend/parallel/pool.ts
 * (`bundleName`); a test checks that each name there is built here.
 */
export const ENTRIES = {
  movierec: 'src/cli/main.ts',
  'train-worker': 'src/recommend/parallel/worker.ts',
  'import-worker': 'src/bot/import/worker.ts',
};

function sourceFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|mjs|js|json)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** The build's key: esbuild's version, the checkout's place, this file and every source file's path and bytes. */
export async function bundleKey(root = ROOT) {
  const { version } = await import('esbuild');
  // This file's own bytes too: a change to the build's settings is a new build.
  const hash = createHash('sha256')
    .update(`${version}\0${root}\0`)
    .update(fs.readFileSync(fileURLToPath(import.meta.url)));
  const files = SOURCES.flatMap((d) => sourceFiles(path.join(root, d))).sort();
  for (const file of files)
    hash
      .update(`${path.relative(root, file)}\0`)
      .update(fs.readFileSync(file))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The cache directory of a checkout's builds. */
export function bundleCacheDir(root = ROOT) {
  return path.join(root, 'node_modules', '.cache', 'movierec');
}

/** Builds the bundle of `entries` (name → file, default {@link ENTRIES}) into `outdir` (no caching). */
export async function buildBundle(outdir, root = ROOT, entries = ENTRIES) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, file]) => [name, path.join(root, file)]),
    ),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages stay imports resolved from node_modules at run time, except JSON files, which are
    // bundled: esbuild does not keep the `with { type: 'json' }` Node requires on an external import.
    plugins: [
      {
        name: 'packages-external',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.endsWith('.json') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
    // src/paths.ts: where the checkout is, for files the code finds relative to it (migrations,
    // bin/movierec.js) now that its modules no longer sit in src/.
    define: { __MOVIEREC_ROOT__: JSON.stringify(root) },
    logLevel: 'silent',
  });
}

/**
 * The URL of the bundled CLI for this checkout, built first if the sources changed since the last
 * build. Throws if esbuild cannot build it (bin/movierec.js then runs the sources through tsx).
 */
export async function bundledCli(root = ROOT) {
  const cache = bundleCacheDir(root);
  const key = await bundleKey(root);
  const dir = path.join(cache, key);
  const entry = path.join(dir, 'movierec.mjs');
  if (fs.existsSync(entry)) {
    // Marks the build as in use (see pruneBuilds).
    const now = new Date();
    fs.utimesSync(dir, now, now);
  } else {
    fs.mkdirSync(cache, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(cache, `${key}.tmp-`));
    try {
      await buildBundle(tmp, root);
      try {
        fs.renameSync(tmp, dir);
      } catch (error) {
        // Another process finished the same build first: use theirs.
        if (!fs.existsSync(entry)) throw error;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    pruneBuilds(cache, key);
  }
  return pathToFileURL(entry).href;
}

/**
 * Deletes builds not started from for a day, beyond the newest few (a running bot still loads chunks
 * and starts workers from its own), and temporary directories of builds that died over an hour ago.
 */
function pruneBuilds(cache, current) {
  const now = Date.now();
  const builds = fs
    .readdirSync(cache, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== current)
    .map((e) => ({ name: e.name, mtime: fs.statSync(path.join(cache, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  let kept = 1;
  for (const b of builds) {
    const stale = b.name.includes('.tmp-')
      ? b.mtime < now - 3_600_000
      : ++kept > KEEP_BUILDS && b.mtime < now - 86_400_000;
    if (stale) fs.rmSync(path.join(cache, b.name), { recursive: true, force: true });
  }
}
