import { defineConfig } from 'vitest/config';

/**
 * The behaviour suites again, this time against the Worker: every `createTestApp()` boots the bundle
 * `wrangler deploy` would upload inside workerd (test/support/workerd-app.ts), bound to that file's database,
 * SQL endpoint and Clerk key, and `request()` reaches it over loopback HTTP. The same files run on Node in
 * `npm test`; tests that need the app in-process are skipped here, each with its reason (`nodeOnly`).
 * Part of `npm run test:workers`.
 */
export const WORKERD_SUITES = [
  'test/auth/token-matrix.test.ts',
  'test/reliability/oversized-bodies.test.ts',
  'test/reliability/malformed-input.test.ts',
  'test/reliability/unicode-and-numbers.test.ts',
  'test/workshops/authorization-matrix.test.ts',
  'test/reliability/idempotency.test.ts',
  'test/sessions/lazy-sessions.test.ts',
  'test/build-packs/pack-lifecycle.test.ts',
  'test/build-packs/pack-content.test.ts',
  'test/demo/workflow.test.ts',
  'test/reliability/database-faults.test.ts',
  'test/workshops/create-and-list.test.ts',
  'test/workshops/read-edit-delete.test.ts',
  'test/workshops/sharing-and-members.test.ts',
  'test/workshops/ownership-cap.test.ts',
  'test/workshops/reliability.test.ts',
  'test/steps/reading-steps.test.ts',
  'test/steps/saving-output.test.ts',
  'test/steps/completing-steps.test.ts',
  'test/steps/step-definitions.test.ts',
  'test/steps/round-trips.test.ts',
  'test/steps/output-roundtrip.test.ts',
  'test/steps/output-order.test.ts',
  'test/build-packs/cache-isolation.test.ts',
  'test/reliability/public-links.test.ts',
  'test/reliability/storage-limits.test.ts',
  'test/reliability/validators.test.ts',
  'test/reliability/answer-cut-short.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/reliability/log-hygiene.test.ts',
  'test/foundation/health.test.ts',
  'test/client/typed-client.test.ts',
  'test/openapi/served-document.test.ts',
];

export default defineConfig({
  test: {
    // The second pattern matches only the throw-away fixtures of test/tooling/exit-status.test.ts.
    include: [...WORKERD_SUITES, 'test/zz-exit-status-*/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/workerd-global-setup.ts'],
    env: { TEST_TARGET: 'workerd' },
    pool: 'forks',
    maxWorkers: 2,
    // Timeouts catch hangs, never slowness: a test run on a machine three times slower, both cores busy
    // with other work, must still pass. Durations are measured in `npm run bench`, not asserted here.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
