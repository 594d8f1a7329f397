import { defineConfig } from 'vitest/config';

/**
 * The stress suite (`npm run test:stress`): 10,000 fuzzed bodies per mutating route and a loopback load
 * test (LOAD_SECONDS, default 60). Not part of `npm test`. One file at a time, so that neither disturbs
 * the other's numbers.
 */
export default defineConfig({
  test: {
    include: ['test/stress/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
