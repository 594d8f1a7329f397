/*
 * Round trips per request: how many requests reached the SQL endpoint (for the bench database) while
 * one call of each route ran, read from the endpoint's own counter. The endpoint records the statements
 * of that call too (evidence for any route above its target).
 */

import type { BenchEnvironment } from './environment';
import { sleep } from './lib/stats';
import { summariseStatement } from './lib/summarise-statement';
import { caseLabel, type RouteCase } from './routes';
import { type Row, verdict } from './table';

export interface RoundTripResult {
  route: string;
  conditional: boolean;
  status: number;
  roundTrips: number;
  target: number;
  statements: { kind: string; count: number; first: string[] }[];
  error?: string;
}

/** A query the driver fires after answering would arrive late; this much time is given for it. */
const SETTLE_MS = 30;

export async function measureRoundTrips(env: BenchEnvironment, cases: readonly RouteCase[]) {
  const results: RoundTripResult[] = [];
  for (const routeCase of cases) {
    const route = caseLabel(routeCase);
    const target = routeCase.dbFree || routeCase.conditional === 'public' ? 0 : 1;
    try {
      // The first request warms the route (and the token cache); the second is the one counted.
      const [warm, measured] = await routeCase.prepare(2);
      if (!warm || !measured) throw new Error('prepare returned too few requests');
      await env.app.expect(warm, warm.expect);
      await sleep(SETTLE_MS);
      const before = env.stack.endpoint.requestCount(env.databaseName);
      const { result: response, requests } = await env.recordStatements(async () => {
        const answer = await env.app.expect(measured, measured.expect);
        await sleep(SETTLE_MS);
        return answer;
      });
      const roundTrips = env.stack.endpoint.requestCount(env.databaseName) - before;
      const statements = requests.map((request) => ({
        kind: request.kind,
        count: request.statements.length,
        first: request.statements.map((statement) => summariseStatement(statement.query)),
      }));
      results.push({
        route,
        conditional: routeCase.conditional !== undefined,
        status: response.status,
        roundTrips,
        target,
        statements,
      });
    } catch (error) {
      results.push({
        route,
        conditional: routeCase.conditional !== undefined,
        status: 0,
        roundTrips: Number.NaN,
        target,
        statements: [],
        error: String(error),
      });
    }
  }
  return results;
}

export function roundTripRows(results: readonly RoundTripResult[], missing: readonly string[]): Row[] {
  const rows: Row[] = results.map((result) => {
    const figure = `round trips ${result.route}`;
    const target = result.target === 0 ? '0' : '1';
    if (result.error)
      return {
        section: 'round trips',
        figure,
        target,
        measured: 'error',
        verdict: 'error',
        note: result.error,
      };
    const ok = result.target === 0 ? result.roundTrips === 0 : result.roundTrips <= 1;
    const evidence = result.statements
      .map((request) => `${request.kind}(${request.count}): ${request.first[0] ?? ''}`)
      .join(' ; ');
    return {
      section: 'round trips',
      figure,
      target,
      measured: `${result.roundTrips} (HTTP ${result.status})`,
      verdict: verdict(ok),
      ...(ok
        ? {}
        : {
            note: `${result.conditional ? 'the 304 is decided only after the database returned the version; ' : ''}${
              evidence || 'no statement recorded'
            }`,
          }),
    };
  });
  for (const operation of missing) {
    rows.push({
      section: 'round trips',
      figure: `round trips ${operation}`,
      target: '1',
      measured: 'no bench request',
      verdict: 'FAIL',
      note: 'documented in /api/openapi.json but missing from the route catalogue (test/support/route-catalogue.ts)',
    });
  }
  return rows;
}
