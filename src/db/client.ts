import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { RETRIES_OPTION, ROUND_TRIP_RECORD_OPTION, resilientFetch } from './resilient-fetch';
import type { RoundTripRecord } from './round-trip-record';

export interface DatabaseConfig {
  DATABASE_URL: string;
  /** The local SQL-over-HTTP endpoint; unset in production, where the driver derives Neon's endpoint from the host. */
  NEON_SQL_ENDPOINT?: string | undefined;
}

export interface DatabaseOptions {
  /** Aborts every database request made through this instance, e.g. a deadline's. */
  signal?: AbortSignal;
  /** How often a failed round trip may be retried: only for requests that are safe to repeat. */
  retries?: number;
  /** Where failed round trips are written, for the error handling to read (see round-trip-record.ts). */
  record?: RoundTripRecord;
}

/**
 * One instance per request: neon-http is a plain fetch per query or batch, so this is cheap, and nothing
 * with I/O lives at module scope (which breaks across requests on Workers).
 */
export function createDb(config: DatabaseConfig, options: DatabaseOptions = {}) {
  if (config.NEON_SQL_ENDPOINT) neonConfig.fetchEndpoint = config.NEON_SQL_ENDPOINT;
  neonConfig.fetchFunction = resilientFetch;
  const fetchOptions: Record<string, unknown> = { [RETRIES_OPTION]: options.retries ?? 0 };
  if (options.signal) fetchOptions.signal = options.signal;
  if (options.record) fetchOptions[ROUND_TRIP_RECORD_OPTION] = options.record;
  return drizzle({ client: neon(config.DATABASE_URL, { fetchOptions }) });
}

export type Database = ReturnType<typeof createDb>;
