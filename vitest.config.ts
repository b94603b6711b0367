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
  },
});
