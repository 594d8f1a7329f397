/*
 * Authentication overhead without any database work. The app has no authenticated route that skips the
 * database, so a tiny Hono app in this process mounts the app's real config middleware and requireAuth on
 * `/authed` (returning a constant) next to a bare `/bare` route. Both are driven the same way: sequential
 * in-process `app.request()` calls, in alternating blocks; the median block mean per request is reported.
 * For contrast, `/authed` with a fresh token on every request (the verified-token cache never hits).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../src/app-env';
import { requireAuth } from '../src/middleware/auth';
import { configMiddleware } from '../src/middleware/config';
import { handleError } from '../src/middleware/errors';
import type { BenchEnvironment } from './environment';
import { median, round } from './lib/stats';
import { type Row, verdict } from './table';

export interface AuthOverheadResult {
  method: string;
  bareMicros: number;
  cachedMicros: number;
  uncachedMicros: number;
  cachedRatio: number;
  uncachedRatio: number;
  rounds: number;
  requestsPerRound: { bare: number; cached: number; uncached: number };
}

export const AUTH_RATIO_TARGET = 2;

function buildProbeApp() {
  const app = new Hono<AppEnv>();
  app.get('/bare', (c) => c.json({ ok: true }));
  app.get('/authed', configMiddleware, requireAuth, (c) => c.json({ ok: true }));
  app.onError(handleError);
  return app;
}

export async function measureAuthOverhead(
  env: BenchEnvironment,
  options: { rounds: number; perRound: number; uncachedPerRound: number },
): Promise<AuthOverheadResult> {
  const app = buildProbeApp();
  // The same object on every request: the configuration is validated once, as for process.env.
  const bindings: Record<string, unknown> = { ...env.config };
  const cachedHeaders = { Authorization: `Bearer ${await env.token('user_bench_auth')}` };
  const fresh: string[] = [];
  for (let i = 0; i < options.rounds * options.uncachedPerRound + 20; i++) {
    fresh.push(await env.token(`user_bench_fresh_${i}`));
  }
  let nextFresh = 0;
  const freshHeaders = () => ({ Authorization: `Bearer ${fresh[nextFresh++] ?? ''}` });

  /** Mean microseconds per request over `count` sequential requests. */
  const block = async (path: string, headers: () => Record<string, string>, count: number) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const response = await app.request(path, { headers: headers() }, bindings);
      if (response.status !== 200)
        throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
    return ((performance.now() - started) * 1000) / count;
  };
  const none = () => ({});
  const cached = () => cachedHeaders;

  // Warm-up: JIT, the config cache, the first verification of the cached token.
  await block('/bare', none, 2_000);
  await block('/authed', cached, 2_000);
  await block('/authed', freshHeaders, 20);

  const bare: number[] = [];
  const hit: number[] = [];
  const miss: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    bare.push(await block('/bare', none, options.perRound));
    hit.push(await block('/authed', cached, options.perRound));
    miss.push(await block('/authed', freshHeaders, options.uncachedPerRound));
  }
  const bareMicros = median(bare);
  const cachedMicros = median(hit);
  const uncachedMicros = median(miss);
  return {
    method: 'in-process app.request(), sequential, median of block means',
    bareMicros: round(bareMicros, 1),
    cachedMicros: round(cachedMicros, 1),
    uncachedMicros: round(uncachedMicros, 1),
    cachedRatio: round(cachedMicros / bareMicros),
    uncachedRatio: round(uncachedMicros / bareMicros),
    rounds: options.rounds,
    requestsPerRound: {
      bare: options.perRound,
      cached: options.perRound,
      uncached: options.uncachedPerRound,
    },
  };
}

export function authRows(result: AuthOverheadResult): Row[] {
  const section = 'auth overhead (no database)';
  return [
    {
      section,
      figure: 'authed (cached token) vs bare Hono route',
      target: `≤ ${AUTH_RATIO_TARGET}×`,
      measured: `${result.cachedRatio.toFixed(2)}× (${result.cachedMicros} vs ${result.bareMicros} µs/req)`,
      verdict: verdict(result.cachedRatio <= AUTH_RATIO_TARGET),
    },
    {
      section,
      figure: 'authed (fresh token each request) vs bare',
      target: 'contrast only (~20× per field notes)',
      measured: `${result.uncachedRatio.toFixed(2)}× (${result.uncachedMicros} µs/req)`,
      verdict: 'info',
    },
  ];
}
