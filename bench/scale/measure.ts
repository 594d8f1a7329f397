/*
 * One figure per request shape: the buffers it reads (the median of three requests whose statements the
 * endpoint recorded, see buffers.ts) and its p50 latency over loopback HTTP (nothing recorded meanwhile).
 */
import type pg from 'pg';
import type { LoggedRequest } from '../../scripts/local-stack/sql-endpoint';
import type { BenchEnvironment } from '../environment';
import { median, round } from '../lib/stats';
import type { PreparedRequest } from '../routes';
import { countBuffers, noCost, type ReadCost, type TableIndexes } from './buffers';

export const BUFFER_SAMPLES = 3;
const WARMUP = 2;

export interface Figure {
  label: string;
  /** The read cost of the request whose buffers were the median of the samples. */
  cost: ReadCost;
  buffers: number;
  p50: number;
  samples: number;
  /** What the first measured request sent to the database. */
  statements: LoggedRequest[];
  error?: string;
}

export const requestsNeeded = (timed: number) => BUFFER_SAMPLES + WARMUP + timed;

/** `requests` must hold requestsNeeded(timed) requests that succeed when sent in order. */
export interface Probe {
  env: BenchEnvironment;
  client: pg.Client;
  indexes: TableIndexes;
}

export async function measureRequests(
  { env, client, indexes }: Probe,
  label: string,
  requests: readonly PreparedRequest[],
): Promise<Figure> {
  const costs: ReadCost[] = [];
  let statements: LoggedRequest[] = [];
  for (const request of requests.slice(0, BUFFER_SAMPLES)) {
    const counted = await countBuffers(env, client, indexes, () => env.app.expect(request, request.expect));
    costs.push(counted.cost);
    if (statements.length === 0) statements = counted.statements;
  }
  costs.sort((a, b) => a.buffers - b.buffers);
  const cost = costs[Math.floor(costs.length / 2)] ?? noCost();
  const times: number[] = [];
  for (const [index, request] of requests.slice(BUFFER_SAMPLES).entries()) {
    const response = await env.app.expect(request, request.expect);
    if (index >= WARMUP) times.push(response.ms);
  }
  return { label, cost, buffers: cost.buffers, p50: round(median(times)), samples: times.length, statements };
}

export function failedFigure(label: string, error: unknown): Figure {
  return {
    label,
    cost: noCost(),
    buffers: Number.NaN,
    p50: Number.NaN,
    samples: 0,
    statements: [],
    error: String(error),
  };
}
