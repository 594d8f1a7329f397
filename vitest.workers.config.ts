import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/** The auxiliary worker's name; tests reach it as env.BUNDLED_WORKER (typed in test/support/workers-fetch.ts). */
const BUNDLED_WORKER_NAME = 'workshop-api-bundle';

/**
 * The app inside workerd, through Cloudflare's vitest integration: the worker is `main` from wrangler.toml
 * (the built bundle, dist/worker/index.mjs, with its compatibility date and [vars]), with the bindings the
 * Node-side global setup provides (a local Neon stack of its own and a test Clerk key). Beside it runs the
 * same bundle as an auxiliary worker the tests reach through `env.BUNDLED_WORKER`: Miniflare refuses to
 * start when that bundle cannot boot (e.g. random values or I/O at global scope), which the lazily imported
 * `main` would not reveal. That the bundle serves the document this source generates is checked against
 * the source itself, in-process, by the workerd target of the behaviour suites (served-document.test.ts).
 * Run with `vitest run --config vitest.workers.config.ts`.
 */
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const bindings = inject('workerBindings');
      const bundle = inject('workerBundle');
      return {
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings,
          serviceBindings: { BUNDLED_WORKER: BUNDLED_WORKER_NAME },
          workers: [
            {
              name: BUNDLED_WORKER_NAME,
              // The entry and its code-split chunks (the lazily loaded PDF renderer), as wrangler uploads them.
              modules: bundle.modules,
              modulesRoot: bundle.modulesRoot,
              compatibilityDate: bundle.compatibilityDate,
              bindings,
            },
          ],
        },
      };
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/support/workers-global-setup.ts'],
    // Timeouts catch hangs, never slowness: a test run on a machine three times slower, both cores busy
    // with other work, must still pass. Durations are measured in `npm run bench`, not asserted here.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
