/**
 * docs/quality.md: "fuzzed bodies (fast-check), 10,000 per mutating route → 0 responses ≥ 500; invalid →
 * 400/413/422". The same generator and oracle as test/reliability/fuzz.test.ts (test/support/fuzz-*.ts),
 * at full size. FUZZ_RUNS overrides the count, FUZZ_SEED reproduces a run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type FuzzReport, fuzzRoute, fuzzSeed, summarise } from '../support/fuzz-runner';
import { useFuzzTarget } from '../support/fuzz-target';
import { VALID_OUTCOMES } from '../support/route-catalogue';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = fuzzSeed();

const target = useFuzzTarget();
const reports: FuzzReport[] = [];

afterAll(() => {
  console.log(`fuzz-10k, seed ${SEED}:\n${reports.map(summarise).join('\n')}`);
});

/** The body routes as known when this file is collected: read from a throwaway app's registry. */
const ROUTE_KEYS = Object.keys(VALID_OUTCOMES);

describe(`${RUNS} fuzzed bodies per mutating route (seed ${SEED})`, () => {
  it('the app has exactly the body routes this suite knows', () => {
    expect(
      target()
        .routes.map((route) => route.key)
        .sort(),
    ).toEqual([...ROUTE_KEYS].sort());
  });

  it.each(ROUTE_KEYS)('%s → no 5xx; invalid → 400/413; valid → its own statuses', async (key) => {
    const route = target().routes.find((candidate) => candidate.key === key);
    if (!route) throw new Error(`the app has no body route ${key}`);
    const report = await fuzzRoute(target().app, route, target().components, target().fixture, {
      runs: RUNS,
      seed: SEED,
      concurrency: 8,
    });
    reports.push(report);
    console.log(summarise(report));
    expect(report.requests).toBe(RUNS);
    expect(report.valid).toBeGreaterThan(RUNS / 10);
    expect(report.failures, `FUZZ_SEED=${SEED} ${key}`).toEqual([]);
  });
});
