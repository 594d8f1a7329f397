import type { Payload, RequestOptions } from './sql-endpoint-protocol';

export interface LoggedStatement {
  query: string;
  /** As Postgres receives them: text, or null. */
  params: (string | null)[];
}

export interface LoggedRequest {
  /** One statement, or the statements of one batch (`db.batch` / `sql.transaction`), run as one transaction. */
  kind: 'single' | 'batch';
  statements: LoggedStatement[];
  /** The request asked for rows as arrays (`Neon-Array-Mode`). */
  arrayMode: boolean;
}

export interface StatementLogOptions {
  /**
   * Awaited on each request before its statements run, so it sees the database exactly as they will
   * (a benchmark can EXPLAIN them on that state).
   */
  beforeRun?: (request: LoggedRequest) => Promise<void>;
}

interface Recording {
  requests: LoggedRequest[];
  options: StatementLogOptions;
}

/** The requests served per database name, recorded only while a log for that database is on. */
export class StatementLog {
  readonly #recordings = new Map<string, Recording>();

  /** Starts (or restarts, empty) the log of `database`. */
  start(database: string, options: StatementLogOptions = {}): void {
    this.#recordings.set(database, { requests: [], options });
  }

  /** What was recorded for `database` since the log started or was last taken; the log keeps running, empty. */
  take(database: string): LoggedRequest[] {
    const recording = this.#recordings.get(database);
    if (!recording) return [];
    return recording.requests.splice(0);
  }

  stop(database: string): void {
    this.#recordings.delete(database);
  }

  /** Records a request about to run, and waits for the log's `beforeRun`, if any. */
  async record(database: string | undefined, payload: Payload, options: RequestOptions): Promise<void> {
    const recording = database === undefined ? undefined : this.#recordings.get(database);
    if (!recording) return;
    const statements = payload.kind === 'single' ? [payload.statement] : payload.statements;
    const request: LoggedRequest = {
      kind: payload.kind,
      statements: statements.map(({ query, params }) => ({ query, params })),
      arrayMode: options.arrayMode,
    };
    recording.requests.push(request);
    await recording.options.beforeRun?.(request);
  }
}
