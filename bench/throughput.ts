/*
 * Throughput of a list route and a write route through the app (loopback HTTP, keep-alive, closed-loop
 * clients) against the raw driver (`neon()` from @neondatabase/serverless pointed at the same endpoint)
 * replaying exactly the SQL the app sent for the same request — recorded by the endpoint once per client,
 * before anything is timed. Same rows, no injected delay; app and raw alternate in rounds.
 *
 * Throughput is a capacity: each side is measured at several concurrency levels and compared at its own
 * peak. One level would favour whichever side saturates first there: on 2 cores the raw driver (one
 * process) saturates at 8 clients, while the app (its process, the endpoint's and Postgres's) is still
 * waiting on the scheduler. Every level's figures are kept in the results.
 */
import { neon, neonConfig } from '@neondatabase/serverless';
import type { LoggedRequest } from '../scripts/local-stack/sql-endpoint';
import { FETCH_WITHOUT_REDIRECTS } from '../src/db/resilient-fetch';
import type { BenchEnvironment } from './environment';
import { ownCpuMs, processCpuMs } from './lib/cpu';
import type { BenchRequest } from './lib/http';
import { newSessionId } from './lib/ids';
import { round } from './lib/stats';
import { summariseStatement } from './lib/summarise-statement';
import { type Fixture, stepOutput } from './seed';
import { type Row, verdict } from './table';

export const THROUGHPUT_TARGET = 0.7;

export interface ThroughputSide {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  meanMs: number;
  /** CPU time per completed request: the app's process, and this process (SQL endpoint + load generator). */
  cpuMsPerRequest: { app: number | null; bench: number };
}

export interface ThroughputLevel {
  concurrency: number;
  app: ThroughputSide;
  raw: ThroughputSide;
  /** app ÷ raw req/s of each round, both measured back to back at this concurrency. */
  roundRatios: number[];
}

export interface ThroughputResult {
  route: string;
  levels: ThroughputLevel[];
  /** Each side at the concurrency where it served the most requests per second. */
  app: ThroughputSide & { concurrency: number };
  raw: ThroughputSide & { concurrency: number };
  /** Peak app req/s ÷ peak raw req/s. */
  ratio: number;
  /** What the raw driver replays per request (one entry per round trip the app made). */
  sql: { kind: string; statements: string[] }[];
  error?: string;
}

export interface Scenario {
  route: string;
  request(worker: number): BenchRequest;
  expect: number;
}

type Operation = () => Promise<void>;

async function closedLoop(
  workers: readonly Operation[],
  durationMs: number,
  appPid: number | undefined,
): Promise<ThroughputSide> {
  const appCpuBefore = processCpuMs(appPid);
  const benchCpuBefore = ownCpuMs();
  let requests = 0;
  let errors = 0;
  let busyMs = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    workers.map(async (operation) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await operation();
          requests++;
        } catch {
          errors++;
        }
        busyMs += performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const appCpuAfter = processCpuMs(appPid);
  const done = Math.max(1, requests);
  return {
    requests,
    errors,
    seconds,
    rps: requests / seconds,
    meanMs: busyMs / Math.max(1, requests + errors),
    cpuMsPerRequest: {
      app: appCpuBefore === null || appCpuAfter === null ? null : (appCpuAfter - appCpuBefore) / done,
      bench: (ownCpuMs() - benchCpuBefore) / done,
    },
  };
}

function combine(parts: readonly ThroughputSide[]): ThroughputSide {
  const requests = parts.reduce((sum, part) => sum + part.requests, 0);
  const errors = parts.reduce((sum, part) => sum + part.errors, 0);
  const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
  const busy = parts.reduce((sum, part) => sum + part.meanMs * (part.requests + part.errors), 0);
  const cpu = (pick: (part: ThroughputSide) => number | null) => {
    let total = 0;
    for (const part of parts) {
      const value = pick(part);
      if (value === null) return null;
      total += value * part.requests;
    }
    return round(total / Math.max(1, requests), 3);
  };
  return {
    requests,
    errors,
    seconds: round(seconds),
    rps: round(requests / seconds, 1),
    meanMs: round(busy / Math.max(1, requests + errors)),
    cpuMsPerRequest: {
      app: cpu((part) => part.cpuMsPerRequest.app),
      bench: cpu((part) => part.cpuMsPerRequest.bench) ?? 0,
    },
  };
}

function rawReplayer(databaseUrl: string) {
  // The same fetch options the app's driver uses (src/db/resilient-fetch.ts): the driver minus the app.
  const fetchOptions = FETCH_WITHOUT_REDIRECTS;
  const arrays = neon(databaseUrl, { arrayMode: true, fullResults: true, fetchOptions });
  const objects = neon(databaseUrl, { arrayMode: false, fullResults: true, fetchOptions });
  const count = (result: { rowCount: number | null; rows: unknown[] }) =>
    result.rowCount ?? result.rows.length;
  return async (captured: readonly LoggedRequest[]): Promise<number> => {
    let rows = 0;
    for (const request of captured) {
      const sql = request.arrayMode ? arrays : objects;
      if (request.kind === 'single') {
        const [statement] = request.statements;
        if (!statement) continue;
        rows += count(await sql.query(statement.query, statement.params));
      } else if (request.arrayMode) {
        const results = await arrays.transaction(
          request.statements.map((statement) => arrays.query(statement.query, statement.params)),
        );
        rows += results.reduce((sum, result) => sum + count(result), 0);
      } else {
        const results = await objects.transaction(
          request.statements.map((statement) => objects.query(statement.query, statement.params)),
        );
        rows += results.reduce((sum, result) => sum + count(result), 0);
      }
    }
    return rows;
  };
}

/** The list and the write route, one distinct request per concurrent client (its own user and rows). */
export function throughputScenarios(fixture: Fixture, concurrency: number): Scenario[] {
  const users = fixture.users;
  const userFor = (worker: number) => {
    const user = users[worker % users.length];
    if (!user) throw new Error('no bench users');
    return user;
  };
  const writeStep = fixture.stepIds[8] ?? '';
  const sessions = Array.from({ length: concurrency }, () => newSessionId());

  return [
    {
      route: 'GET /api/workshops',
      expect: 200,
      request: (worker) => ({
        method: 'GET',
        path: '/api/workshops?limit=20',
        headers: userFor(worker).auth,
      }),
    },
    {
      route: 'PUT /api/workshops/{workshopId}/steps/{stepId}/output',
      expect: 200,
      request: (worker) => {
        const user = userFor(worker);
        return {
          method: 'PUT',
          path: `/api/workshops/${user.workshops[0] ?? ''}/steps/${writeStep}/output`,
          headers: { ...user.auth, 'X-Session-Id': sessions[worker] ?? '' },
          body: { output: stepOutput(writeStep, 31_000 + worker) },
        };
      },
    },
  ];
}

export interface ThroughputOptions {
  concurrencies: readonly number[];
  warmupMs: number;
  roundMs: number;
  rounds: number;
}

async function measureLevel(
  appOps: readonly Operation[],
  rawOps: readonly Operation[],
  options: ThroughputOptions,
  appPid: number | undefined,
): Promise<Omit<ThroughputLevel, 'concurrency'>> {
  await closedLoop(appOps, options.warmupMs, appPid);
  await closedLoop(rawOps, options.warmupMs, appPid);
  const appParts: ThroughputSide[] = [];
  const rawParts: ThroughputSide[] = [];
  for (let r = 0; r < options.rounds; r++) {
    if (r % 2 === 0) {
      appParts.push(await closedLoop(appOps, options.roundMs, appPid));
      rawParts.push(await closedLoop(rawOps, options.roundMs, appPid));
    } else {
      rawParts.push(await closedLoop(rawOps, options.roundMs, appPid));
      appParts.push(await closedLoop(appOps, options.roundMs, appPid));
    }
  }
  return {
    app: combine(appParts),
    raw: combine(rawParts),
    roundRatios: appParts.map((part, r) => round(part.rps / (rawParts[r]?.rps ?? Number.NaN))),
  };
}

function peak(
  levels: readonly ThroughputLevel[],
  side: 'app' | 'raw',
): ThroughputSide & { concurrency: number } {
  const best = levels.reduce((a, b) => (b[side].rps > a[side].rps ? b : a));
  return { ...best[side], concurrency: best.concurrency };
}

export async function measureThroughput(
  env: BenchEnvironment,
  fixture: Fixture,
  options: ThroughputOptions,
): Promise<ThroughputResult[]> {
  neonConfig.fetchEndpoint = env.stack.env.NEON_SQL_ENDPOINT;
  const replay = rawReplayer(env.stack.env.DATABASE_URL);
  const clients = Math.max(...options.concurrencies);
  const scenarios = throughputScenarios(fixture, clients);

  const results: ThroughputResult[] = [];
  for (const scenario of scenarios) {
    try {
      const requests = Array.from({ length: clients }, (_, worker) => scenario.request(worker));
      // Record the SQL of each client's request (also warms the app's token cache for each client).
      const captured: LoggedRequest[][] = [];
      for (const request of requests) {
        const { requests: sent } = await env.recordStatements(() =>
          env.app.expect(request, [scenario.expect]),
        );
        captured.push(sent);
      }
      const rowsSeen = await replay(captured[0] ?? []);
      if (rowsSeen === 0) throw new Error('the replayed SQL returned no rows');

      const appOps: Operation[] = requests.map((request) => async () => {
        const response = await env.app.send(request);
        if (response.status !== scenario.expect) throw new Error(`status ${response.status}`);
      });
      const rawOps: Operation[] = captured.map((sqlOfWorker) => async () => {
        await replay(sqlOfWorker);
      });
      const levels: ThroughputLevel[] = [];
      for (const concurrency of options.concurrencies) {
        const level = await measureLevel(
          appOps.slice(0, concurrency),
          rawOps.slice(0, concurrency),
          options,
          env.appPid,
        );
        levels.push({ concurrency, ...level });
      }
      const app = peak(levels, 'app');
      const raw = peak(levels, 'raw');
      results.push({
        route: scenario.route,
        levels,
        app,
        raw,
        ratio: round(app.rps / raw.rps),
        sql: (captured[0] ?? []).map((request) => ({
          kind: request.kind,
          statements: request.statements.map((statement) => summariseStatement(statement.query, 160)),
        })),
      });
    } catch (error) {
      const empty = {
        requests: 0,
        errors: 0,
        seconds: 0,
        rps: 0,
        meanMs: 0,
        cpuMsPerRequest: { app: null, bench: 0 },
        concurrency: 0,
      };
      results.push({
        route: scenario.route,
        levels: [],
        app: empty,
        raw: empty,
        ratio: Number.NaN,
        sql: [],
        error: String(error),
      });
    }
  }
  return results;
}

export function throughputRows(results: readonly ThroughputResult[]): Row[] {
  return results.map((result) => {
    const section = 'throughput vs raw driver, same SQL';
    const figure = `req/s app÷raw ${result.route} (each at its peak)`;
    const target = `≥ ${THROUGHPUT_TARGET}`;
    if (result.error)
      return { section, figure, target, measured: 'error', verdict: 'error', note: result.error };
    const errors = result.levels.reduce((sum, level) => sum + level.app.errors + level.raw.errors, 0);
    const perLevel = result.levels
      .map((level) => `c=${level.concurrency} ${Math.round(level.app.rps)}/${Math.round(level.raw.rps)}`)
      .join(', ');
    return {
      section,
      figure,
      target,
      measured: `${result.ratio.toFixed(2)} (app ${result.app.rps} req/s at c=${result.app.concurrency} vs raw ${result.raw.rps} at c=${result.raw.concurrency}${errors ? `; ${errors} errors` : ''})`,
      verdict: verdict(result.ratio >= THROUGHPUT_TARGET && errors === 0),
      note: `${errors ? `${errors} requests failed; ` : ''}app/raw req/s per concurrency: ${perLevel}; at the peaks, CPU per request: app process ${
        result.app.cpuMsPerRequest.app ?? '?'
      } ms + bench process (endpoint + client) ${result.app.cpuMsPerRequest.bench} ms vs raw ${
        result.raw.cpuMsPerRequest.bench
      } ms; mean latency app ${result.app.meanMs} ms vs raw ${result.raw.meanMs} ms`,
    };
  });
}
