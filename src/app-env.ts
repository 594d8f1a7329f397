import type { Database } from './db/client';
import type { Deadline } from './db/deadline';
import type { RoundTripRecord } from './db/round-trip-record';
import type { Config } from './env';
import type { ErrorCode } from './lib/api-error';

export interface Caller {
  userId: string;
  plan: string;
  isAdmin: boolean;
  /** The organization active in the caller's session, as the verified token says; null without one. */
  orgId: string | null;
}

export interface SessionIntent {
  /** The client's session id when it sent a well-formed one, else a new one. */
  id: string;
}

export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    config: Config;
    /** Set by `requestDb(c)` on first use. */
    db?: Database;
    /** The bound on the request's database work (DB_TIMEOUT_MS), made with `db`. */
    dbDeadline?: Deadline;
    /** How the request's round trips to the database failed, if they did; made with `db`. */
    dbRoundTrips?: RoundTripRecord;
    caller: Caller;
    session: SessionIntent;
    /** The problem `code` of an error response, for its log line. */
    problemCode?: ErrorCode;
  };
}
