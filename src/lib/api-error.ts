import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_CODES = {
  validation_failed: 400,
  malformed_json: 400,
  bad_request: 400,
  unauthorized: 401,
  webhook_signature_invalid: 400,
  forbidden: 403,
  workshop_cap_reached: 403,
  organization_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_transition: 409,
  step_unavailable: 409,
  last_owner: 409,
  owner_limit_reached: 409,
  member_limit_reached: 409,
  build_pack_limit_reached: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  pack_too_large_to_render: 422,
  confirmation_required: 428,
  idempotency_key_limit_reached: 429,
  internal_error: 500,
  database_unavailable: 503,
  misconfigured: 500,
  webhooks_not_configured: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  message: string;
}

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
    super(ERROR_CODES[code], { message: detail, cause: options.cause });
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

export const notFound = (what = 'resource') => new ApiError('not_found', `The ${what} was not found.`);
