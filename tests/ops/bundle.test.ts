import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error bin/bundle.mjs is plain JavaScript without declarations.
import * as bundleModule from '../../bin/bundle.mjs';

const bundle = bundleModule as {
  ENTRIES: Record<string, string>;
  buildBundle: (outdir: string, root?: string) => Promise<void>;
  bundleKey: (root?: string) => Promise<string>;
};
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-bundle-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => f.endsWith('.ts'));
}

describe('the bundle bin/movierec.js runs', () => {
  it('has an entry for every worker the code starts by bundle name, and each entry file exists', () => {
    const names = new Set<string>();
    for (const file of [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'adapters'))]) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/bundleName: '([a-z-]+)'/g)) names.add(m[1]!);
    }
    expect([...names].sort()).toEqual(['import-worker', 'train-worker']);
    for (const name of names) expect(bundle.ENTRIES).toHaveProperty(name);
    for (const file of Object.values(bundle.ENTRIES)) expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
  });

  it('builds plain JavaScript: packages stay imports, no TypeScript module or external JSON import is left', async () => {
    await bundle.buildBundle(outdir);
    for (const name of Object.keys(bundle.ENTRIES))
      expect(fs.existsSync(path.join(outdir, `${name}.mjs`))).toBe(true);
    const code = fs
      .readdirSync(outdir)
      .map((f) => fs.readFileSync(path.join(outdir, f), 'utf8'))
      .join('\n');
    const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
    expect(specifiers.filter((s) => s.endsWith('.ts'))).toEqual([]);
    // Node refuses a JSON import without `with { type: 'json' }`, which esbuild drops: JSON is bundled.
    expect(specifiers.filter((s) => s.endsWith('.json'))).toEqual([]);
    expect(specifiers).toContain('drizzle-orm');
    // The checkout's root is compiled in (src/paths.ts), so migrations are found from the cache directory.
    expect(code).toContain(JSON.stringify(ROOT.replace(/\/$/, '')));
  });

  it('keys a build by the sources: the same checkout gives the same key', async () => {
    const a = await bundle.bundleKey();
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await bundle.bundleKey()).toBe(a);
  });

  it('runs the CLI and its training worker from the bundle, without a TypeScript loader', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-bundle-home-'));
    try {
      // A fresh home trains on the first /recommend, on the bundled train-worker.mjs (TRAIN_THREADS=1):
      // any TypeScript module left to load would fail there, with no loader registered.
      const { stdout, stderr } = await run(
        process.execPath,
        ['bin/movierec.js', 'ask', '--user', 'ana', '--json', '/recommend'],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            MOVIEREC_HOME: home,
            DATABASE_URL: '',
            LOG_LEVEL: 'warn',
            TRAIN_THREADS: '1',
          },
        },
      );
      expect(stderr).not.toMatch(/running the sources/);
      expect((JSON.parse(stdout) as { movies: unknown[] }).movies).toHaveLength(10);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 300_000);
});
