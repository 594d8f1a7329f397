/**
 * What the hostile-input and fuzz suites know about routes, read from the app itself: every route with a
 * JSON body (zod schema from the OpenAPI registry, JSON Schema from /api/openapi.json), a valid body and the
 * statuses a valid body may get for each, and a fixture giving every path parameter a real value.
 * A body route added without a row here fails the suites that use it.
 */
import type { ZodType } from 'zod';
import { signClerkDelivery } from '../../scripts/local-auth/clerk-webhook';
import type { createApp } from '../../src/app';
import { STEP_OUTPUT_LIMIT_BYTES } from '../../src/domain/storage-limits';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../src/middleware/body-limit';
import { appRouteKeys, fillPath, type RouteKey, splitKey } from './authz-matrix';
import type { JsonSchema } from './fuzz-arbitraries';
import { jsonBody, type TestApp } from './test-app';

type App = ReturnType<typeof createApp>;

/** src/middleware/body-limit.ts: the step-output route allows 4 KiB of envelope around its 256 KiB. */
export const STEP_OUTPUT_BODY_LIMIT_BYTES = STEP_OUTPUT_LIMIT_BYTES + 4 * 1024;
export { DEFAULT_BODY_LIMIT_BYTES, STEP_OUTPUT_LIMIT_BYTES };

export const STEP_OUTPUT_ROUTE: RouteKey = 'PUT /api/workshops/{workshopId}/steps/{stepId}/output';
export const CLERK_WEBHOOK_ROUTE: RouteKey = 'POST /api/webhooks/clerk';

export interface BodyRoute {
  key: RouteKey;
  method: string;
  /** OpenAPI-style template, e.g. /api/workshops/{workshopId}. */
  path: string;
  /** The zod schema the route validates its body with: the oracle for "valid". */
  schema: ZodType;
  /** The body's JSON Schema from /api/openapi.json (refs not yet resolved). */
  jsonSchema: JsonSchema;
  limitBytes: number;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface RegistryRoute {
  method: string;
  path: string;
  request?: { body?: { content?: Record<string, { schema?: unknown }> } };
}

export function bodyLimitFor(key: RouteKey): number {
  return key === STEP_OUTPUT_ROUTE ? STEP_OUTPUT_BODY_LIMIT_BYTES : DEFAULT_BODY_LIMIT_BYTES;
}

/** Every route that takes a JSON body, with both of its schemas. */
export async function bodyRoutes(
  testApp: TestApp,
): Promise<{ routes: BodyRoute[]; components: Record<string, JsonSchema> }> {
  const response = await testApp.request('/api/openapi.json');
  const document = (await response.json()) as OpenApiDocument;
  const routes: BodyRoute[] = [];
  for (const definition of testApp.app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route as RegistryRoute;
    const schema = route.request?.body?.content?.['application/json']?.schema;
    if (!schema) continue;
    const method = route.method.toUpperCase();
    const path = `/api${route.path.startsWith('/api') ? route.path.slice(4) : route.path}`;
    const jsonSchema =
      document.paths[path]?.[route.method]?.requestBody?.content?.['application/json']?.schema;
    if (!jsonSchema) throw new Error(`${method} ${path} has a body schema but none in /api/openapi.json`);
    const key = `${method} ${path}` as RouteKey;
    routes.push({
      key,
      method,
      path,
      schema: schema as ZodType,
      jsonSchema,
      limitBytes: bodyLimitFor(key),
    });
  }
  return {
    routes: routes.sort((a, b) => a.key.localeCompare(b.key)),
    components: document.components?.schemas ?? {},
  };
}

/** Every route of the app, `METHOD /path`, including plain Hono routes (the docs page). */
export const allRouteKeys = (app: App): RouteKey[] => appRouteKeys(app);
export { fillPath, type RouteKey, splitKey };

/** A body each route accepts, so that a single field can be made hostile and nothing else. */
export const VALID_BODIES: Readonly<Record<string, Record<string, unknown>>> = {
  'POST /api/workshops': { originalIdea: 'A hostile-input fixture', title: 'Fixture' },
  'PATCH /api/workshops/{workshopId}': { title: 'Renamed' },
  'PUT /api/workshops/{workshopId}/members/{clerkUserId}': { role: 'viewer' },
  'PATCH /api/step-definitions/{stepId}': { description: 'An edited description' },
  [STEP_OUTPUT_ROUTE]: { output: { problem: 'Shift workers eat badly' } },
  'POST /api/workshops/{workshopId}/steps/{stepId}/complete': { by: 'ai' },
  'POST /api/workshops/{workshopId}/build-packs': { format: 'markdown', title: 'Pack' },
  [CLERK_WEBHOOK_ROUTE]: { type: 'user.updated', object: 'event', data: { id: 'user_fuzz_nobody' } },
};

/**
 * The statuses a schema-valid body may get on the fixture, as its owner (who is also an admin): the
 * business refusals each route documents (a cap, a transition, a precondition), never a 5xx. A value the
 * schema accepts but Postgres cannot store (a lone surrogate in jsonb) is a 400 `bad_request`, added by
 * the oracle.
 */
export const VALID_OUTCOMES: Readonly<Record<string, readonly number[]>> = {
  'POST /api/workshops': [201, 403],
  'PATCH /api/workshops/{workshopId}': [200, 409],
  'PUT /api/workshops/{workshopId}/members/{clerkUserId}': [200, 201, 409],
  'PATCH /api/step-definitions/{stepId}': [200],
  [STEP_OUTPUT_ROUTE]: [200, 409, 413],
  // 409 only from two concurrent completes of one step racing (a bug: see test/reliability/idempotency.test.ts).
  'POST /api/workshops/{workshopId}/steps/{stepId}/complete': [200, 409, 428],
  // 409 once the fixture's workshop holds the most build packs allowed.
  'POST /api/workshops/{workshopId}/build-packs': [201, 409],
  // A signed event: acknowledged (a user.deleted of a random id erases nobody in the fixture).
  [CLERK_WEBHOOK_ROUTE]: [200],
};

/**
 * The headers a body is sent with: the fixture owner's token, plus, for Clerk's webhook, a signature over
 * those very bytes (unsigned, that route refuses every body before reading it). No Content-Type: the
 * caller chooses it.
 */
export function headersFor(testApp: TestApp, key: string, fixture: RouteFixture, text: string) {
  if (key !== CLERK_WEBHOOK_ROUTE) return fixture.headers;
  const secret = testApp.env.CLERK_WEBHOOK_SIGNING_SECRET ?? '';
  const { 'Content-Type': _json, ...signature } = signClerkDelivery(secret, text).headers;
  return { ...fixture.headers, ...signature };
}

/** Routes whose POST honours Idempotency-Key. */
export const IDEMPOTENT_CREATES: ReadonlySet<string> = new Set([
  'POST /api/workshops',
  'POST /api/workshops/{workshopId}/build-packs',
]);

export interface RouteFixture {
  /** Headers of the fixture's owner, who is an admin on the pro plan. */
  headers: Record<string, string>;
  params: Record<string, string>;
}

export const FIXTURE_OWNER = 'user_fuzz_owner';
export const FIXTURE_MEMBER = 'user_fuzz_member';

/** A workshop owned by an admin, with a member, a build pack, a share link and a session id. */
export async function createRouteFixture(testApp: TestApp): Promise<RouteFixture> {
  const headers = await testApp.as(FIXTURE_OWNER, { plan: 'pro', admin: true });
  const expectJson = async (response: Response, status: number): Promise<Record<string, unknown>> => {
    const text = await response.text();
    if (response.status !== status)
      throw new Error(`fixture: expected ${status}, got ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const workshop = await expectJson(
    await testApp.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: 'The route fixture' }, headers),
    }),
    201,
  );
  const workshopId = String(workshop.id);
  await expectJson(
    await testApp.request(`/api/workshops/${workshopId}/members/${FIXTURE_MEMBER}`, {
      method: 'PUT',
      ...jsonBody({ role: 'editor' }, headers),
    }),
    201,
  );
  const pack = await expectJson(
    await testApp.request(`/api/workshops/${workshopId}/build-packs`, {
      method: 'POST',
      ...jsonBody({ format: 'json' }, headers),
    }),
    201,
  );
  const share = await expectJson(
    await testApp.request(`/api/workshops/${workshopId}/share`, { method: 'PUT', headers }),
    200,
  );
  const visit = await testApp.request(`/api/workshops/${workshopId}/steps/challenge`, { headers });
  await expectJson(visit, 200);
  return {
    headers,
    params: {
      workshopId,
      stepId: 'challenge',
      packId: String(pack.id),
      clerkUserId: FIXTURE_MEMBER,
      shareToken: String(share.shareToken),
      sessionId: visit.headers.get('x-session-id') ?? '',
    },
  };
}
