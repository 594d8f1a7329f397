import { HTTPException } from 'hono/http-exception';
import { type ErrorCode, type FieldError, PROBLEMS } from '../schemas/problems';

export interface ApiErrorOptions {
  errors?: FieldError[];
  /** Extra members of the problem document (RFC 9457 extensions), e.g. a cap and a count. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, detail: string, options: ApiErrorOptions = {}) {
    super(PROBLEMS[code].status, { message: detail, cause: options.cause });
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

export const notFound = (what = 'resource') => new ApiError('not_found', `The ${what} was not found.`);
