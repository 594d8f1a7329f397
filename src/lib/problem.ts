import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode, FieldError } from './api-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Validation failed',
  malformed_json: 'Malformed JSON',
  bad_request: 'Bad request',
  unauthorized: 'Unauthorized',
  webhook_signature_invalid: 'Webhook signature invalid',
  forbidden: 'Forbidden',
  workshop_cap_reached: 'Workshop cap reached',
  organization_not_allowed: 'Organization not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  invalid_transition: 'Invalid status transition',
  step_unavailable: 'Step not available yet',
  last_owner: 'Last owner',
  owner_limit_reached: 'Owner limit reached',
  member_limit_reached: 'Member limit reached',
  build_pack_limit_reached: 'Build pack limit reached',
  precondition_failed: 'Precondition failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  idempotency_key_reused: 'Idempotency key reused',
  pack_too_large_to_render: 'Build pack too large to render',
  confirmation_required: 'Confirmation required',
  idempotency_key_limit_reached: 'Idempotency key limit reached',
  internal_error: 'Internal server error',
  database_unavailable: 'Database unavailable',
  misconfigured: 'Server misconfigured',
  webhooks_not_configured: 'Webhooks not configured',
};

export function problemDocument(input: {
  code: ErrorCode;
  status: ContentfulStatusCode;
  detail: string;
  requestId: string;
  errors?: FieldError[] | undefined;
  extensions?: Record<string, unknown> | undefined;
}): ProblemDocument {
  return {
    ...input.extensions,
    type: `urn:workshop-api:problem:${input.code}`,
    title: TITLES[input.code],
    status: input.status,
    detail: input.detail,
    code: input.code,
    requestId: input.requestId,
    ...(input.errors ? { errors: input.errors } : {}),
  };
}
