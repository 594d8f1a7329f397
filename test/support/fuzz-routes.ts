/**
 * What the hostile-input and fuzz suites know about routes: every route with a JSON body, read from the app
 * itself (zod schema from the OpenAPI registry, JSON Schema from /api/openapi.json), and a fixture giving
 * every path parameter a real value. A valid body and the statuses it may get come from the route catalogue;
 * a body route the catalogue gives neither fails the suites that use it.
 */
import type { ZodType } from 'zod';
import { signClerkDelivery } from '../../scripts/local-auth/clerk-webhook';
import type { createApp } from '../../src/app';
import { STEP_OUTPUT_LIMIT_BYTES } from '../../src/domain/storage-limits';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../src/middleware/body-limit';
import { appRouteKeys, fillPath, type RouteKey, splitKey } from './authz-matrix';
import type { JsonSchema } from './fuzz-arbitraries';
import { CLERK_WEBHOOK_ROUTE, STEP_OUTPUT_ROUTE } from './route-catalogue';
import { jsonBody, type TestApp } from './test-app';

type App = ReturnType<typeof createApp>;

/** src/middleware/body-limit.ts: the step-output route allows 4 KiB of envelope around its 256 KiB. */
export const STEP_OUTPUT_BODY_LIMIT_BYTES = STEP_OUTPUT_LIMIT_BYTES + 4 * 1024;

export { CLERK_WEBHOOK_ROUTE, STEP_OUTPUT_ROUTE } from './route-catalogue';
export { DEFAULT_BODY_LIMIT_BYTES, STEP_OUTPUT_LIMIT_BYTES };

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

/** The step-output route of the fixture's workshop, on its first step. */
export const stepOutputPath = (fixture: RouteFixture): string =>
  fillPath(splitKey(STEP_OUTPUT_ROUTE).path, fixture.params);

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
