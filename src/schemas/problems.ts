import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every problem `code` this API answers with: its HTTP status and the problem document's `title`. */
export const PROBLEMS = {
  validation_failed: { status: 400, title: 'Validation failed' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  bad_request: { status: 400, title: 'Bad request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  webhook_signature_invalid: { status: 400, title: 'Webhook signature invalid' },
  forbidden: { status: 403, title: 'Forbidden' },
  workshop_cap_reached: { status: 403, title: 'Workshop cap reached' },
  organization_not_allowed: { status: 403, title: 'Organization not allowed' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  invalid_transition: { status: 409, title: 'Invalid status transition' },
  step_unavailable: { status: 409, title: 'Step not available yet' },
  last_owner: { status: 409, title: 'Last owner' },
  owner_limit_reached: { status: 409, title: 'Owner limit reached' },
  member_limit_reached: { status: 409, title: 'Member limit reached' },
  build_pack_limit_reached: { status: 409, title: 'Build pack limit reached' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  pack_too_large_to_render: { status: 422, title: 'Build pack too large to render' },
  confirmation_required: { status: 428, title: 'Confirmation required' },
  idempotency_key_limit_reached: { status: 429, title: 'Idempotency key limit reached' },
  internal_error: { status: 500, title: 'Internal server error' },
  database_unavailable: { status: 503, title: 'Database unavailable' },
  misconfigured: { status: 500, title: 'Server misconfigured' },
  webhooks_not_configured: { status: 503, title: 'Webhooks not configured' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof PROBLEMS;

export const ERROR_CODES = Object.keys(PROBLEMS) as [ErrorCode, ...ErrorCode[]];

export interface FieldError {
  path: string;
  message: string;
}
