import type { IncomingHttpHeaders } from 'node:http';
import pg from 'pg';
import { type InjectedFailure, isRecord } from './sql-endpoint-faults';
import { type JsonValue, paramToText, textToJson } from './sql-endpoint-json';

/** Neon's proxy caps request and response bodies at 10 MiB by default. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A failure answered with `status` and Neon's error body (which carries Postgres's fields, if any). */
export class EndpointError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly databaseError?: pg.DatabaseError,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  connectionString: string;
  rawTextOutput: boolean;
  arrayMode: boolean;
  /** Empty when the request sets none; echoed back on a batch's response as Neon does. */
  batchHeaders: Record<string, string>;
  beginStatement: string;
}

export interface Statement {
  query: string;
  params: (string | null)[];
  arrayMode: boolean | undefined;
}

export type Payload = { kind: 'single'; statement: Statement } | { kind: 'batch'; statements: Statement[] };

/** Set when a connection must not go back to the pool (left inside a transaction, or broken). */
export interface Lease {
  client: pg.PoolClient;
  discard: boolean;
}

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

export function parseRequestHeaders(headers: IncomingHttpHeaders): RequestOptions {
  const connectionString = header(headers, 'neon-connection-string');
  if (!connectionString)
    throw new EndpointError(400, 'missing connection string (Neon-Connection-String header)');
  const isolationLevel = header(headers, 'neon-batch-isolation-level');
  const readOnly = header(headers, 'neon-batch-read-only') === 'true';
  const deferrable = header(headers, 'neon-batch-deferrable') === 'true';
  const modes: string[] = [];
  const batchHeaders: Record<string, string> = {};
  if (isolationLevel !== undefined) {
    const level = ISOLATION_LEVELS[isolationLevel];
    if (!level) throw new EndpointError(400, 'invalid isolation level');
    modes.push(`ISOLATION LEVEL ${level}`);
    batchHeaders['Neon-Batch-Isolation-Level'] = isolationLevel;
  }
  if (readOnly) {
    modes.push('READ ONLY');
    batchHeaders['Neon-Batch-Read-Only'] = 'true';
  }
  if (deferrable) {
    modes.push('DEFERRABLE');
    batchHeaders['Neon-Batch-Deferrable'] = 'true';
  }
  return {
    connectionString,
    // Neon treats anything but exactly "true" as false.
    rawTextOutput: header(headers, 'neon-raw-text-output') === 'true',
    arrayMode: header(headers, 'neon-array-mode') === 'true',
    batchHeaders,
    beginStatement: ['BEGIN', modes.join(', ')].join(' ').trim(),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The database a connection string names (its path), or undefined when it is not a URL. */
export function databaseName(connectionString: string): string | undefined {
  try {
    const name = decodeURIComponent(new URL(connectionString).pathname.slice(1));
    return name || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The proxy speaks TLS itself and connects to its compute without it, so TLS settings aimed at Neon
 * must not make `pg` attempt TLS against the local server.
 */
export function localConnectionString(connectionString: string): string {
  const url = new URL(connectionString);
  for (const name of ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'channel_binding']) {
    url.searchParams.delete(name);
  }
  return url.toString();
}

/** `{query, params}` wins over `{queries}`, as in the proxy's untagged deserialisation. */
export function parsePayload(body: string): Payload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new EndpointError(400, `could not parse request body as JSON: ${String(error)}`);
  }
  if (isRecord(parsed) && 'query' in parsed) return { kind: 'single', statement: parseStatement(parsed) };
  if (isRecord(parsed) && Array.isArray(parsed.queries)) {
    return { kind: 'batch', statements: parsed.queries.map(parseStatement) };
  }
  throw new EndpointError(400, 'request body must be {query, params} or {queries: [...]}');
}

function parseStatement(value: unknown): Statement {
  if (!isRecord(value) || typeof value.query !== 'string')
    throw new EndpointError(400, 'query must be a string');
  const params = value.params ?? [];
  if (!Array.isArray(params)) throw new EndpointError(400, 'params must be an array');
  const arrayMode = typeof value.arrayMode === 'boolean' ? value.arrayMode : undefined;
  return { query: value.query, params: params.map(paramToText), arrayMode };
}

type TextRow = (string | null)[];

// Every column comes back exactly as Postgres sent it; pg's global parsers stay untouched.
const rawTextTypes: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as pg.CustomTypesConfig['getTypeParser'],
};

export async function runSingle(
  lease: Lease,
  statement: Statement,
  options: RequestOptions,
  failure?: InjectedFailure,
) {
  const { result, command } = await runStatement(lease.client, statement, options, failure);
  // A lone BEGIN leaves the session inside a transaction; the proxy would not pool that connection.
  if (command === 'BEGIN' || command === 'START') lease.discard = true;
  return checkedSize(JSON.stringify(result));
}

/** One transaction: BEGIN, every statement, COMMIT; on the first error ROLLBACK and rethrow it. */
export async function runBatch(
  lease: Lease,
  statements: Statement[],
  options: RequestOptions,
  failure?: InjectedFailure,
) {
  await lease.client.query(options.beginStatement);
  try {
    const results: string[] = [];
    let size = 0;
    for (const statement of statements) {
      const json = JSON.stringify((await runStatement(lease.client, statement, options, failure)).result);
      size += Buffer.byteLength(json);
      checkedSize(json, size);
      results.push(json);
    }
    await lease.client.query('COMMIT');
    return `{"results":[${results.join(',')}]}`;
  } catch (error) {
    await lease.client.query('ROLLBACK').catch(() => {
      lease.discard = true;
    });
    throw error;
  }
}

function checkedSize(json: string, size = Buffer.byteLength(json)): string {
  if (size > MAX_BODY_BYTES) {
    throw new EndpointError(507, `response is too large (max is ${MAX_BODY_BYTES} bytes)`);
  }
  return json;
}

async function runStatement(
  client: pg.PoolClient,
  statement: Statement,
  options: RequestOptions,
  failure: InjectedFailure | undefined,
) {
  if (failure?.matches(statement.query)) throw injectedError(failure);
  // Extended protocol even without parameters (pg would use the simple one), so several statements in
  // one string are rejected as on Neon.
  const config: pg.QueryArrayConfig<TextRow> & { queryMode: 'extended' } = {
    text: statement.query,
    values: statement.params,
    rowMode: 'array',
    types: rawTextTypes,
    queryMode: 'extended',
  };
  const queryResult = await client.query<TextRow>(config);
  const arrayMode = statement.arrayMode ?? options.arrayMode;
  const fields = queryResult.fields.map((field) => ({
    name: field.name,
    dataTypeID: field.dataTypeID,
    tableID: field.tableID,
    columnID: field.columnID,
    dataTypeSize: field.dataTypeSize,
    dataTypeModifier: field.dataTypeModifier,
    format: 'text',
  }));
  const convert = (value: string | null, column: number): JsonValue =>
    value === null || options.rawTextOutput ? value : textToJson(value, fields[column]?.dataTypeID ?? 0);
  const rows = queryResult.rows.map((row) =>
    arrayMode
      ? row.map(convert)
      : Object.fromEntries(row.map((value, column) => [fields[column]?.name ?? '', convert(value, column)])),
  );
  const command = queryResult.command ?? '';
  return {
    command,
    result: { command, rowCount: queryResult.rowCount ?? null, rowAsArray: arrayMode, fields, rows },
  };
}

function injectedError(failure: InjectedFailure): pg.DatabaseError {
  const error = new pg.DatabaseError(failure.message, 0, 'error');
  error.severity = 'ERROR';
  error.code = failure.code;
  return error;
}

const ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'severity',
  'where',
  'table',
  'column',
  'schema',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/**
 * The proxy's error body: every field present, null when Postgres did not send it. For errors that did
 * not come from Postgres it sends `code` and `severity` as empty strings (its defaults), not null.
 */
export function errorBody(message: string, databaseError?: pg.DatabaseError): Record<string, string | null> {
  const body: Record<string, string | null> = { message };
  for (const field of ERROR_FIELDS) body[field] = databaseError?.[field] ?? null;
  if (!databaseError) {
    body.code = '';
    body.severity = '';
  }
  return body;
}
