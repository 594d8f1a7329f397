/*
 * Latency with a fixed delay injected per database round trip (the endpoint holds every request of the
 * bench database for DELAY_MS): p50/p95 of N sequential requests per route over loopback HTTP. A route
 * that makes one round trip and adds little of its own stays near the delay.
 */
import type { BenchEnvironment } from './environment';
import { percentile, round } from './lib/stats';
import { caseLabel, type RouteCase } from './routes';
import { type Row, verdict } from './table';

export const DELAY_MS = 25;
export const LATENCY_TARGET_MS = 1.15 * DELAY_MS + 3;

export interface LatencyResult {
  route: string;
  samples: number;
  p50: number;
  p95: number;
  mean: number;
  ratioToDelay: number;
  /** p50 of the same route with no delay injected (the route's own time: app + endpoint + Postgres). */
  p50NoDelay: number;
  /** p50 with the delay minus p50 without it: ≈ delay × round trips when the route waits on nothing else. */
  addedByDelay: number;
  error?: string;
}

export async function measureLatency(
  env: BenchEnvironment,
  cases: readonly RouteCase[],
  options: { requests: number; warmup: number; baseline: number },
): Promise<LatencyResult[]> {
  const { endpoint } = env.stack;
  const results: LatencyResult[] = [];
  for (const routeCase of cases) {
    const route = caseLabel(routeCase);
    try {
      endpoint.clearFaults(env.databaseName);
      const requests = await routeCase.prepare(options.warmup + options.baseline + options.requests);
      const undelayed: number[] = [];
      const samples: number[] = [];
      for (const [index, request] of requests.entries()) {
        if (index === options.warmup + options.baseline)
          endpoint.setFaults({ delayMs: DELAY_MS }, env.databaseName);
        const response = await env.app.expect(request, request.expect);
        if (index >= options.warmup + options.baseline) samples.push(response.ms);
        else if (index >= options.warmup) undelayed.push(response.ms);
      }
      const p50 = percentile(samples, 50);
      const p50NoDelay = percentile(undelayed, 50);
      results.push({
        route,
        samples: samples.length,
        p50: round(p50),
        p95: round(percentile(samples, 95)),
        mean: round(samples.reduce((sum, value) => sum + value, 0) / samples.length),
        ratioToDelay: round(p50 / DELAY_MS),
        p50NoDelay: round(p50NoDelay),
        addedByDelay: round(p50 - p50NoDelay),
      });
    } catch (error) {
      results.push({
        route,
        samples: 0,
        p50: Number.NaN,
        p95: Number.NaN,
        mean: Number.NaN,
        ratioToDelay: Number.NaN,
        p50NoDelay: Number.NaN,
        addedByDelay: Number.NaN,
        error: String(error),
      });
    } finally {
      endpoint.clearFaults(env.databaseName);
    }
  }
  return results;
}

export function latencyRows(results: readonly LatencyResult[]): Row[] {
  const target = `p50 ≤ ${round(LATENCY_TARGET_MS, 2)} ms`;
  return results.map((result) => {
    const figure = `p50 @${DELAY_MS}ms ${result.route}`;
    if (result.error)
      return {
        section: `latency, ${DELAY_MS} ms per round trip`,
        figure,
        target,
        measured: 'error',
        verdict: 'error',
        note: result.error,
      };
    return {
      section: `latency, ${DELAY_MS} ms per round trip`,
      figure,
      target,
      measured: `${result.p50.toFixed(1)} ms = ${result.ratioToDelay.toFixed(2)}× (p95 ${result.p95.toFixed(1)}; no delay ${result.p50NoDelay.toFixed(1)})`,
      verdict: verdict(result.p50 <= LATENCY_TARGET_MS),
      note: `without the delay p50 ${result.p50NoDelay.toFixed(1)} ms (allowance ${round(LATENCY_TARGET_MS - DELAY_MS, 2)} ms); the delay added ${result.addedByDelay.toFixed(1)} ms`,
    };
  });
}
