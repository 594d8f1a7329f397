import { z } from '@hono/zod-openapi';
import { type IdKind, idPattern } from '../domain/ids';
import { ERROR_CODES } from './problems';

const NUL = '\u0000';
const LONE_SURROGATE = /\p{Cs}/u;

/** User text: bounded, not blank, no NUL (Postgres cannot store it); everything else is kept byte for byte. */
export const userText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes(NUL), { message: 'must not contain NUL characters' })
    .refine((value) => !LONE_SURROGATE.test(value), {
      message: 'must be well-formed Unicode (no lone surrogates)',
    })
    // A pattern rather than a refinement, so that the document says it too.
    .regex(/\S/, { message: 'must not be blank' });

/**
 * A PATCH body: any of its fields, but at least one. The document says so (`minProperties: 1`) as well as
 * the validation.
 */
export function patchBody<const T extends z.ZodRawShape>(name: string, shape: T) {
  return z
    .strictObject(shape)
    .refine((body) => Object.keys(body).length > 0, {
      message: `send at least one of ${Object.keys(shape).join(', ')}`,
    })
    .openapi(name, { minProperties: 1 });
}

export const idParam = (kind: IdKind, name: string, example: string) =>
  z
    .string()
    .regex(idPattern(kind))
    .openapi({ param: { name, in: 'path' }, example });

export const WorkshopIdParams = z.object({
  workshopId: idParam('workshop', 'workshopId', 'ws_k3x9q2m8v7b1n4c6z5l0p8r2'),
});

export const ClerkUserId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a Clerk user id such as user_2abc…')
  .openapi({ example: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC' });

export const Timestamp = z.iso.datetime().openapi({ example: '2026-11-24T09:30:00.000Z' });

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() }).openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:workshop-api:problem:not_found' }),
    title: z.string().openapi({ example: 'Not found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'The workshop was not found.' }),
    code: z.enum(ERROR_CODES),
    requestId: z.string().openapi({ example: '1f0c7a0e-5b1e-4c83-9a43-0c6f6f2b1d2e' }),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', {
    description: 'RFC 9457 problem details, with a stable `code` clients can switch on.',
  });

const DESCRIPTIONS = {
  400: 'The request is not valid: malformed JSON, or a field, query parameter or header out of bounds (problem+json with `errors[]`)',
  401: 'Missing, malformed, expired or forged session token',
  403: 'The caller is a member but their role is too low, or a plan cap is reached',
  404: 'No such resource, or the caller is not a member (indistinguishable)',
  409: 'The request conflicts with the current state',
  412: 'If-Match names a version that is no longer current',
  413: 'The request body is too large',
  415: 'The request body is not sent as application/json',
  422: 'The Idempotency-Key was used with a different body, or a PDF build pack is too long to render',
  428: 'Confirmation or a precondition is required',
  429: 'A per-user limit is reached for now; retry after Retry-After seconds',
  500: 'Unexpected server error, or the server is misconfigured',
  503: 'The database is unavailable; retry after Retry-After seconds',
} as const;

type ProblemStatus = keyof typeof DESCRIPTIONS;
const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
type ResponseHeaders = Record<string, { description: string; required: boolean; schema: { type: 'string' } }>;
type ProblemResponse = { description: string; content: typeof problemContent; headers?: ResponseHeaders };

const requiredHeader = (description: string) => ({
  description,
  required: true,
  schema: { type: 'string' as const },
});

/** Headers an error of this status always carries. */
const PROBLEM_HEADERS: Partial<Record<ProblemStatus, ResponseHeaders>> = {
  401: { 'WWW-Authenticate': requiredHeader('`Bearer realm="workshop-api"`') },
  503: { 'Retry-After': requiredHeader('Seconds to wait before retrying') },
};

const problemResponse = (status: ProblemStatus): ProblemResponse => {
  const headers = PROBLEM_HEADERS[status];
  return { description: DESCRIPTIONS[status], content: problemContent, ...(headers ? { headers } : {}) };
};

/**
 * Error responses for a route's OpenAPI definition, typed with their literal statuses so that the typed
 * client (hono/client) knows them too; 500 and 503 apply to every route that reaches the database.
 */
export function problemResponses<const S extends readonly Exclude<ProblemStatus, 500 | 503>[]>(
  ...statuses: S
): { [K in S[number] | 500 | 503]: ProblemResponse } {
  const responses: Partial<Record<ProblemStatus, ProblemResponse>> = {};
  for (const status of [...statuses, 500, 503] as const) responses[status] = problemResponse(status);
  return responses as { [K in S[number] | 500 | 503]: ProblemResponse };
}

/** The one error a route that never reaches the database can answer: a misconfigured server. */
export const serverErrorResponse = { 500: problemResponse(500) };

/** A JSON response of a route definition, with the headers it always carries. */
export const jsonResponse = <T extends z.ZodType>(
  schema: T,
  description: string,
  headers: Record<string, string> = {},
) => ({
  description,
  content: { 'application/json': { schema } },
  ...(Object.keys(headers).length > 0 ? { headers: responseHeaders(headers) } : {}),
});

/** Headers a response always carries, by name and what they say. */
export function responseHeaders(headers: Record<string, string>): ResponseHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, about]) => [name, requiredHeader(about)]));
}

/** Headers documented on responses: the same words wherever they appear. */
export const HEADERS = {
  etag: { ETag: 'The version of this representation, for If-None-Match and If-Match' },
  location: { Location: 'Where the created resource lives' },
} as const;

/** The 304 of a route that honours If-None-Match. */
export const notModifiedResponse = {
  description: 'Unchanged since the `If-None-Match` version',
  headers: { ETag: requiredHeader(HEADERS.etag.ETag) },
};

/** A required JSON request body of a route definition. */
export const jsonRequestBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const AUTHENTICATED = [{ bearerAuth: [] }];

/** Webhooks from Clerk carry Svix's signature headers instead of a session token. */
export const CLERK_SIGNED = [{ clerkWebhookSignature: [] }];
