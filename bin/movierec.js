#!/usr/bin/env node
// Runs movierec from its bundle (bin/bundle.mjs: src/ compiled by esbuild, rebuilt when a source file
// changes), so a checkout needs no build step and a running bot carries no TypeScript loader.
// `bench` runs the benchmark's own TypeScript, and MOVIEREC_BUNDLE=0 runs the sources through tsx
// (stack traces then name the .ts files); so does a failed build, after saying why.
const fromSources = process.argv[2] === 'bench' || process.env.MOVIEREC_BUNDLE === '0';
let entry;
if (!fromSources) {
  try {
    const { bundledCli } = await import('./bundle.mjs');
    entry = await bundledCli();
  } catch (error) {
    process.stderr.write(
      `movierec: cannot build the bundle (${error?.message ?? error}); running the sources\n`,
    );
  }
}
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
