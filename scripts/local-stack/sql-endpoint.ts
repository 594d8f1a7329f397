/*
 * A local stand-in for Neon's SQL-over-HTTP endpoint, on top of `pg`, faithful to what
 * `@neondatabase/serverless` 1.2 sends and reads in its HTTP (`neon()`) mode: POST /sql with the
 * Neon-* headers, `{query, params}` or `{queries}` bodies, raw text results described by `fields`,
 * batches as one transaction, Postgres errors as HTTP 400 with their fields, 507 over 10 MiB.
 * It can also inject latency and faults, record the statements a database is sent, and exposes a small
 * control API under /__control/.
 *
 * It does NOT emulate: TLS or HTTP/2; authentication of any kind (the password in the connection
 * string goes straight to Postgres; no JWT `authToken` / Authorization header, no auth broker);
 * websockets, so no `Pool`/`Client` mode; checks that the connection string names a Neon host,
 * endpoint ids, `options=endpoint=…`, branches or projects; connection-pool opt-in headers
 * (`Neon-Pool-Opt-In`) and the proxy's own pooling rules beyond "a connection left in a transaction
 * is not reused"; cancelling a running query when the client disconnects; autosuspend and cold
 * starts, except as simulated by faults; rate limits, quotas and the request-size rules beyond 10 MiB;
 * CORS preflight (only `Access-Control-Allow-Origin: *` is sent); Neon's exact error messages for
 * failures that are not Postgres's own (connection failures answer 500 with the cause's message).
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addAbortSignal } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  type AnswerDelivery,
  FaultRegistry,
  type FaultSettings,
  type InjectedFailure,
  parseFaultRequest,
} from './sql-endpoint-faults';
import { type LoggedRequest, StatementLog, type StatementLogOptions } from './sql-endpoint-log';
import {
  databaseName,
  EndpointError,
  errorBody,
  type Lease,
  localConnectionString,
  MAX_BODY_BYTES,
  parsePayload,
  parseRequestHeaders,
  runBatch,
  runSingle,
} from './sql-endpoint-protocol';

export type { FaultSettings } from './sql-endpoint-faults';
export type { LoggedRequest, LoggedStatement, StatementLogOptions } from './sql-endpoint-log';

export interface SqlEndpoint {
  /** http://HOST:PORT/sql */
  url: string;
  port: number;
  /**
   * Faults apply to requests whose connection string names `database`, or to all when database is omitted.
   * Replaces the earlier settings of the same scope; a database's settings override the all-database ones
   * field by field. Throws on a negative delay or an invalid pattern.
   */
  setFaults(faults: FaultSettings, database?: string): void;
  /** Clears the faults of `database`, or every fault setting when database is omitted. */
  clearFaults(database?: string): void;
  /** HTTP requests to /sql received (each query or batch is one), total or per database name. */
  requestCount(database?: string): number;
  resetCounts(): void;
  /**
   * Starts recording the requests served for `database` (refused ones are not), emptying any earlier
   * record; `beforeRun` is awaited on each before its statements run.
   */
  startStatementLog(database: string, options?: StatementLogOptions): void;
  /** The requests recorded for `database` since its log started or was last taken; the log goes on, empty. */
  takeStatementLog(database: string): LoggedRequest[];
  /** Stops recording for `database` and forgets what was recorded. */
  stopStatementLog(database: string): void;
  close(): Promise<void>;
}

const POOL_SIZE = 20;

export async function startSqlEndpoint(options: { host?: string; port?: number } = {}): Promise<SqlEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultRegistry();
  const statementLog = new StatementLog();
  const pools = new Map<string, pg.Pool>();
  const counts = { total: 0, byDatabase: new Map<string, number>() };
  const closing = new AbortController();
  // Every request in flight listens for the endpoint closing; that is not a leak.
  setMaxListeners(0, closing.signal);
  const inFlight = new Set<Promise<void>>();

  const countRequest = (database: string | undefined) => {
    counts.total++;
    if (database !== undefined) counts.byDatabase.set(database, (counts.byDatabase.get(database) ?? 0) + 1);
  };

  const lease = async (connectionString: string): Promise<Lease> => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({
        connectionString: localConnectionString(connectionString),
        max: POOL_SIZE,
        allowExitOnIdle: true,
      });
      // An idle connection dropped by Postgres is removed by the pool; nothing to answer.
      pool.on('error', () => {});
      pools.set(connectionString, pool);
    }
    try {
      return { client: await pool.connect(), discard: false };
    } catch (error) {
      // Neon answers a compute it cannot connect to (or that rejects the connection) with a 500.
      const databaseError = error instanceof pg.DatabaseError ? error : undefined;
      const message = databaseError?.message ?? `could not connect to Postgres: ${String(error)}`;
      throw new EndpointError(500, message, databaseError);
    }
  };

  const execute = async (
    request: IncomingMessage,
    database: string | undefined,
    failure?: InjectedFailure,
  ): Promise<Answer> => {
    const requestOptions = parseRequestHeaders(request.headers);
    const payload = parsePayload(await readBody(request, closing.signal));
    await statementLog.record(database, payload, requestOptions);
    const leased = await lease(requestOptions.connectionString);
    const markBroken = () => {
      leased.discard = true;
    };
    leased.client.on('error', markBroken);
    try {
      const body =
        payload.kind === 'single'
          ? await runSingle(leased, payload.statement, requestOptions, failure)
          : await runBatch(leased, payload.statements, requestOptions, failure);
      return { status: 200, body, headers: payload.kind === 'batch' ? requestOptions.batchHeaders : {} };
    } catch (error) {
      if (!(error instanceof pg.DatabaseError || error instanceof EndpointError)) leased.discard = true;
      throw error;
    } finally {
      leased.client.off('error', markBroken);
      leased.client.release(leased.discard);
    }
  };

  const handleSql = async (request: IncomingMessage, response: ServerResponse) => {
    const connectionString = request.headers['neon-connection-string'];
    const database = typeof connectionString === 'string' ? databaseName(connectionString) : undefined;
    countRequest(database);
    if (closing.signal.aborted) return void request.socket.destroy();
    // Rejects only when the endpoint closes; such a request is dropped like a refused one.
    const admission = await faults.admit(database, closing.signal).catch(() => ({ refuse: true }) as const);
    if (admission.refuse) return void request.socket.destroy();
    const answer = await execute(request, database, admission.failure).catch(errorAnswer);
    await deliver(response, answer, admission.delivery, closing.signal);
  };

  const handleControl = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /__control/stats') {
      const byDatabase = Object.fromEntries(counts.byDatabase);
      return send(response, 200, JSON.stringify({ total: counts.total, byDatabase }));
    }
    if (route === 'POST /__control/stats/reset') {
      resetCounts();
      return send(response, 204, '');
    }
    if (route === 'POST /__control/faults') {
      const { database, settings } = parseFaultRequest(JSON.parse(await readBody(request, closing.signal)));
      faults.set(settings, database);
      return send(response, 204, '');
    }
    if (route === 'DELETE /__control/faults') {
      faults.clear(url.searchParams.get('database') ?? undefined);
      return send(response, 204, '');
    }
    send(response, 404, JSON.stringify({ message: `no control route ${route}` }));
  };

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://endpoint');
    if (url.pathname.startsWith('/__control/')) {
      try {
        await handleControl(request, response, url);
      } catch (error) {
        send(response, 400, JSON.stringify({ message: String(error) }));
      }
    } else if (url.pathname !== '/sql') {
      send(response, 404, JSON.stringify(errorBody(`no route ${url.pathname}`)));
    } else if (request.method !== 'POST') {
      send(response, 405, JSON.stringify(errorBody('only POST is supported')), { allow: 'POST' });
    } else {
      await handleSql(request, response);
    }
  };

  const resetCounts = () => {
    counts.total = 0;
    counts.byDatabase.clear();
  };

  const server = createServer((request, response) => {
    const handling = route(request, response).catch(() => {
      request.socket.destroy();
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  // Idle keep-alive connections are left for the client to close. A server that closes them itself (Node's
  // default, after 5 s) races a client reusing one at that moment: under load a write now and then met
  // ECONNRESET and, not being safe to retry, answered 503 (2 of 10,000 fuzzed PATCHes, twice running).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = async () => {
    // Stalled and delayed requests are let go (their connections destroyed) before the pools end.
    closing.abort();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.allSettled([...inFlight]);
    server.closeAllConnections();
    await serverClosed;
    await Promise.all([...pools.values()].map((pool) => pool.end()));
  };

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/sql`,
    port,
    setFaults: (settings, database) => faults.set(settings, database),
    clearFaults: (database) => faults.clear(database),
    requestCount: (database) =>
      database === undefined ? counts.total : (counts.byDatabase.get(database) ?? 0),
    resetCounts,
    startStatementLog: (database, options) => statementLog.start(database, options),
    takeStatementLog: (database) => statementLog.take(database),
    stopStatementLog: (database) => statementLog.stop(database),
    close: () => {
      closed ??= close();
      return closed;
    },
  };
}

async function readBody(request: IncomingMessage, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of addAbortSignal(signal, request)) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new EndpointError(413, `request is too large (max is ${MAX_BODY_BYTES} bytes)`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  if (response.headersSent || response.destroyed) return;
  const contentType: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  response.writeHead(status, { ...contentType, 'access-control-allow-origin': '*', ...headers });
  response.end(body);
}

/**
 * Sends the answer whole, or its status, headers and first half now and the rest later or never, or
 * nothing at all (the connection is reset).
 */
async function deliver(
  response: ServerResponse,
  answer: Answer,
  delivery: AnswerDelivery,
  closing: AbortSignal,
): Promise<void> {
  if (delivery.kind === 'whole') return send(response, answer.status, answer.body, answer.headers);
  if (delivery.kind === 'lost') return void response.destroy();
  if (response.headersSent || response.destroyed) return;
  const bytes = Buffer.from(answer.body);
  const firstHalf = bytes.subarray(0, Math.floor(bytes.length / 2));
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    'access-control-allow-origin': '*',
    ...answer.headers,
  });
  await new Promise<void>((written) => response.write(firstHalf, () => written()));
  if (delivery.kind === 'cut') return void response.destroy();
  const held = await sleep(delivery.bodyDelayMs, true, { signal: closing }).catch(() => false);
  if (!held) return void response.destroy();
  if (!response.destroyed) response.end(bytes.subarray(firstHalf.length));
}

function errorAnswer(error: unknown): Answer {
  if (error instanceof EndpointError) {
    return {
      status: error.status,
      body: JSON.stringify(errorBody(error.message, error.databaseError)),
      headers: {},
    };
  }
  // Whatever else a statement raised is answered as Neon does: a 400 with Postgres's fields, if any.
  const databaseError = error instanceof pg.DatabaseError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { status: 400, body: JSON.stringify(errorBody(message, databaseError)), headers: {} };
}
