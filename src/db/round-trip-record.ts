/**
 * What went wrong on a request's way to the database and back, as seen by the fetch that made the round
 * trip. Status codes are decided from this record, not from the shape of whatever the driver throws: the
 * driver reads some answers outside its own error handling, so one failure can surface as a NeonDbError,
 * a DOMException or a TypeError depending on the moment it happened.
 */
export type RoundTripFailure =
  /** The request's deadline fired before the whole answer arrived (or during a retry's backoff). */
  | { kind: 'deadline' }
  /** The connection failed, or was reset before the whole answer arrived. */
  | { kind: 'transport' }
  /** The SQL endpoint itself answered with an error status other than a Postgres error (400). */
  | { kind: 'endpoint'; status: number }
  /** Postgres rejected a statement: HTTP 400 with its fields. */
  | { kind: 'postgres'; sqlState: string | undefined; constraint: string | undefined };

/** One per request (or per health check); the driver's fetch writes to it, the error handling reads it. */
export interface RoundTripRecord {
  /** How the latest round trip failed; undefined before the first and after one that succeeded. */
  failure: RoundTripFailure | undefined;
}

export function createRoundTripRecord(): RoundTripRecord {
  return { failure: undefined };
}

/** The round trip threw: our deadline if it has fired, otherwise the network. */
export function thrownFailure(signal: AbortSignal | null | undefined): RoundTripFailure {
  return signal?.aborted ? { kind: 'deadline' } : { kind: 'transport' };
}

/** The endpoint answered in full; a failure if its status says so. */
export function answeredFailure(status: number, body: ArrayBuffer): RoundTripFailure | undefined {
  if (status < 400) return undefined;
  if (status !== 400) return { kind: 'endpoint', status };
  const fields = postgresFields(body);
  return { kind: 'postgres', sqlState: fields.code, constraint: fields.constraint };
}

function postgresFields(body: ArrayBuffer): { code?: string; constraint?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { code, constraint } = parsed as Record<string, unknown>;
  return {
    ...(typeof code === 'string' && code !== '' ? { code } : {}),
    ...(typeof constraint === 'string' ? { constraint } : {}),
  };
}
