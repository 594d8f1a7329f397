import type { Caller } from './auth/caller-claims';
import type { Database } from './db/client';
import type { Deadline } from './db/deadline';
import type { SessionIntent } from './db/queries/session-activity';
import type { RoundTripRecord } from './db/round-trip-record';
import type { Config } from './env';
import type { ErrorCode } from './schemas/problems';

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
