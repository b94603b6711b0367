import fc from 'fast-check';

/**
 * Every property test of the run (vitest `setupFiles`) reports and replays the same way: fast-check's
 * failure message starts with `{ seed: <n>, path: "<p>" }`; run again with `FC_SEED=<n>` (and
 * optionally `FC_PATH=<p>` to go straight to the shrunk counterexample) to replay that failure. No
 * property test passes its own `seed`, so this global one reaches all of them.
 */
const seed = process.env.FC_SEED;
const pathToReplay = process.env.FC_PATH;

if (seed !== undefined && seed !== '') {
  const value = Number(seed);
  if (!Number.isInteger(value)) throw new Error(`FC_SEED must be an integer, got ${seed}`);
  fc.configureGlobal({
    ...fc.readConfigureGlobal(),
    seed: value,
    ...(pathToReplay ? { path: pathToReplay } : {}),
  });
}
