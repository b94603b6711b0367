import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'adapters/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // PGlite starts in seconds, not milliseconds; database tests need room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['tests/helpers/global-setup.ts'],
    // FC_SEED / FC_PATH replay a failed property test (fast-check prints both on failure).
    setupFiles: ['tests/helpers/fast-check-setup.ts'],
  },
});
