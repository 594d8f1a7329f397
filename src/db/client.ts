import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';

export interface DatabaseConfig {
  DATABASE_URL: string;
  /** The local SQL-over-HTTP endpoint; unset in production, where the driver derives Neon's endpoint from the host. */
  NEON_SQL_ENDPOINT?: string | undefined;
}

export interface DatabaseOptions {
  /** Every database request made through this instance is aborted after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * One instance per request: neon-http is a plain fetch per query or batch, so this is cheap, and nothing
 * with I/O lives at module scope (which breaks across requests on Workers).
 */
export function createDb(config: DatabaseConfig, options: DatabaseOptions = {}) {
  if (config.NEON_SQL_ENDPOINT) neonConfig.fetchEndpoint = config.NEON_SQL_ENDPOINT;
  const fetchOptions = options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : undefined;
  const client = neon(config.DATABASE_URL, fetchOptions ? { fetchOptions } : {});
  return drizzle({ client });
}

export type Database = ReturnType<typeof createDb>;
