export interface DatabaseFailure {
  /** `unavailable`: the database could not be reached or answered in time; safe to retry later. */
  kind: 'unavailable' | 'rejected';
  sqlState: string | undefined;
  constraint: string | undefined;
}

interface PostgresErrorFields {
  name?: unknown;
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
  cause?: unknown;
}

// SQLSTATE classes that mean "not now" rather than "not this": connection exceptions, insufficient
// resources, operator intervention (e.g. a compute restarting), and lock/serialization trouble.
const TRANSIENT_SQLSTATE = /^(08|53|57P0|40001|40P01|55P03)/;

/** Drizzle wraps driver errors; the NeonDbError is somewhere down the `cause` chain. */
function findNeonError(error: unknown): PostgresErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const fields = current as PostgresErrorFields;
    if (fields.name === 'NeonDbError') return fields;
    current = fields.cause;
  }
  return undefined;
}

export function classifyDatabaseError(error: unknown): DatabaseFailure | undefined {
  const neonError = findNeonError(error);
  if (!neonError) return undefined;
  const sqlState = typeof neonError.code === 'string' ? neonError.code : undefined;
  const constraint = typeof neonError.constraint === 'string' ? neonError.constraint : undefined;
  // Without a SQLSTATE the driver never got a Postgres answer: fetch failed, timed out, or a non-2xx.
  const unavailable = sqlState === undefined || TRANSIENT_SQLSTATE.test(sqlState);
  return { kind: unavailable ? 'unavailable' : 'rejected', sqlState, constraint };
}
