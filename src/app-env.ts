import type { Database } from './db/client';
import type { Deadline } from './db/deadline';
import type { Config } from './env';
import type { ErrorCode } from './lib/api-error';

export interface Caller {
  userId: string;
  plan: string;
  isAdmin: boolean;
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
    caller: Caller;
    session: SessionIntent;
    /** The problem `code` of an error response, for its log line. */
    problemCode?: ErrorCode;
  };
}
