import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-env';
import { classifyDatabaseFailure } from '../db/errors';
import { ConfigError } from '../env';
import { ApiError } from '../http/api-error';
import { loggableError } from '../http/loggable-error';
import { PROBLEM_CONTENT_TYPE, problemDocument } from '../http/problem-document';
import type { ErrorCode } from '../schemas/problems';
import { logSettingsOf, writeLog } from './request-log';

const RETRY_AFTER_SECONDS = '2';

function problemResponse(c: Context<AppEnv>, error: ApiError): Response {
  c.set('problemCode', error.code);
  const body = problemDocument({
    code: error.code,
    status: error.status as ContentfulStatusCode,
    detail: error.detail,
    requestId: c.get('requestId') ?? 'unknown',
    errors: error.errors,
    extensions: error.extensions,
  });
  const headers = new Headers({ 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  for (const [name, value] of Object.entries(error.headers ?? {})) headers.set(name, value);
  // Headers set earlier by middleware (request id, session id, CORS) must survive the error.
  c.res.headers.forEach((value, name) => {
    if (!headers.has(name) && name !== 'content-type' && name !== 'content-length') headers.set(name, value);
  });
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function fromHttpException(error: HTTPException): ApiError {
  const code = HTTP_EXCEPTION_CODES[error.status] ?? 'bad_request';
  if (error.status === 400 && /malformed json/i.test(error.message)) {
    return new ApiError('malformed_json', 'The request body is not valid JSON.');
  }
  if (error.status === 415) return new ApiError(code, 'Send the request body as application/json.');
  return new ApiError(code, error.message || 'The request was not accepted.');
}

export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return problemResponse(c, error);
  if (error instanceof HTTPException && error.status < 500)
    return problemResponse(c, fromHttpException(error));

  const logSettings = logSettingsOf(c.get('config'), 'error');
  const requestId = c.get('requestId');
  const roundTrips = c.get('dbRoundTrips');
  const failure = classifyDatabaseFailure(roundTrips);
  if (failure?.kind === 'unavailable') {
    writeLog(logSettings, 'warn', {
      requestId,
      event: 'database_unavailable',
      cause: roundTrips?.failure?.kind,
      sqlState: failure.sqlState,
      error: loggableError(error),
    });
    return problemResponse(
      c,
      new ApiError('database_unavailable', 'The database is unavailable right now. Retry shortly.', {
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      }),
    );
  }
  if (error instanceof ConfigError) {
    writeLog(logSettingsOf(undefined, 'error'), 'error', {
      requestId,
      event: 'misconfigured',
      message: error.message,
    });
    return problemResponse(c, new ApiError('misconfigured', 'The server is misconfigured.'));
  }
  if (failure?.sqlState?.startsWith('22')) {
    return problemResponse(c, new ApiError('bad_request', 'A value in the request cannot be stored.'));
  }
  writeLog(logSettings, 'error', {
    requestId,
    event: 'unhandled_error',
    error: loggableError(error),
    sqlState: failure?.sqlState,
  });
  return problemResponse(c, new ApiError('internal_error', 'Something went wrong on our side.'));
};

/**
 * No route for this method and path: 405 with `Allow` when the path exists with other methods (HTTP's
 * answer), else 404. `allowedMethods` is read from the app's own route list.
 */
export function handleNotFound(
  allowedMethods: (path: string) => string[] | undefined,
): NotFoundHandler<AppEnv> {
  return (c) => {
    const allowed = allowedMethods(c.req.path);
    if (!allowed) {
      return problemResponse(c, new ApiError('not_found', `No route matches ${c.req.method} ${c.req.path}.`));
    }
    const allow = allowed.join(', ');
    return problemResponse(
      c,
      new ApiError(
        'method_not_allowed',
        `${c.req.path} does not support ${c.req.method}; it supports ${allow}.`,
        {
          headers: { Allow: allow },
          extensions: { allowedMethods: allowed },
        },
      ),
    );
  };
}
