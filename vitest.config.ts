import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/workers/**', 'test/stress/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 3,
    // Timeouts catch hangs, never slowness: a test run on a machine three times slower, both cores busy
    // with other work, must still pass. Durations are measured in `npm run bench`, not asserted here.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
