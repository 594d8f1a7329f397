/**
 * Fuzzed bodies (docs/quality.md: "0 responses ≥ 500; invalid → 400/413/422"), a few hundred per mutating
 * route in `npm test`; test/stress/fuzz-10k.test.ts runs 10,000 per route with the same code.
 * Bodies are derived from each route's JSON Schema in /api/openapi.json; the oracle is the route's zod
 * schema. Reproduce a failure with FUZZ_SEED=<seed printed in the failure>.
 */
import { describe, expect, it } from 'vitest';
import { fuzzRoute, fuzzSeed, summarise } from '../support/fuzz-runner';
import { useFuzzTarget } from '../support/fuzz-target';
import { VALID_OUTCOMES } from '../support/route-catalogue';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = fuzzSeed();

const target = useFuzzTarget();

describe('fuzzed bodies on every route with a JSON body', () => {
  it('finds the mutating routes with bodies in the app, each with a row of expected outcomes', () => {
    const keys = target().routes.map((route) => route.key);
    expect(keys.length).toBeGreaterThanOrEqual(7);
    expect(keys.filter((key) => !VALID_OUTCOMES[key])).toEqual([]);
    expect(keys.every((key) => /^(POST|PUT|PATCH|DELETE) /.test(key))).toBe(true);
  });

  it(`${RUNS} bodies per route → no 5xx; invalid → 400/413, valid → the route's own statuses (seed ${SEED})`, async () => {
    const reports = [];
    for (const route of target().routes) {
      const report = await fuzzRoute(target().app, route, target().components, target().fixture, {
        runs: RUNS,
        seed: SEED,
        concurrency: 6,
      });
      reports.push(report);
      console.log(summarise(report));
    }
    for (const report of reports) {
      expect(report.requests, report.route).toBe(RUNS);
      // The mix really exercises both sides of the oracle. The floors sit far below what any route's
      // schema yields on average (Clerk's webhook, the most permissive, gives about a third invalid), so
      // that no seed can fail them by chance.
      expect(report.valid, `${report.route}: schema-valid bodies`).toBeGreaterThan(RUNS / 10);
      expect(report.requests - report.valid, `${report.route}: invalid bodies`).toBeGreaterThan(RUNS / 6);
    }
    const failures = reports.flatMap((report) =>
      report.failures.map((failure) => ({ route: report.route, ...failure })),
    );
    expect(failures, `FUZZ_SEED=${SEED}`).toEqual([]);
  }, 120_000);

  it('the fixture survived the fuzzing: its workshop still answers', async () => {
    const response = await target().app.request(`/api/workshops/${target().fixture.params.workshopId}`, {
      headers: target().fixture.headers,
    });
    expect(response.status).toBe(200);
  });
});
