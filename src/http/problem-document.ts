import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, type FieldError, PROBLEMS } from '../schemas/problems';

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
    title: PROBLEMS[input.code].title,
    status: input.status,
    detail: input.detail,
    code: input.code,
    requestId: input.requestId,
    ...(input.errors ? { errors: input.errors } : {}),
  };
}
