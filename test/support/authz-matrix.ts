/**
 * The machinery behind the authorization matrix: the app's own route list, the callers, what each access
 * level of the route catalogue means for each caller, per-route fixtures, and the assertions every cell
 * makes. The matrix itself is test/workshops/authorization-matrix.test.ts.
 */
import type pg from 'pg';
import { expect } from 'vitest';
import type { createApp } from '../../src/app';
import { newId } from '../../src/domain/ids';
import { expectProblem, type ProblemBody } from './problem';
import { type Access, FIXTURE_USERS, type Operation, type RouteKey } from './route-catalogue';
import { jsonBody, type TestApp } from './test-app';

type App = ReturnType<typeof createApp>;

export { type RouteKey, splitKey, statusesOf } from './route-catalogue';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `/api/x/:id{[0-9]+}` (Hono) → `/api/x/{id}` (OpenAPI). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');
}

/**
 * Every route the app answers, as `METHOD /path`: the OpenAPI registry (routes made with createRoute) plus
 * `app.routes` (routes added with plain `app.get()` and friends, such as a docs page), de-duplicated.
 * Middleware entries (`app.use`: method ALL, or a wildcard path) are not routes.
 */
export function appRouteKeys(app: App): RouteKey[] {
  const keys = new Set<string>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type === 'route')
      keys.add(`${definition.route.method.toUpperCase()} ${definition.route.path}`);
  }
  for (const route of app.routes) {
    const method = route.method.toUpperCase();
    if (!HTTP_METHODS.has(method) || route.path.includes('*')) continue;
    keys.add(`${method} ${openApiPath(route.path)}`);
  }
  return [...keys].sort() as RouteKey[];
}

/** The `operationId` of every operation in the app's OpenAPI registry, by `METHOD /path`. */
export function appOperationIds(app: App): Record<string, string | undefined> {
  const ids: Record<string, string | undefined> = {};
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type === 'route')
      ids[`${definition.route.method.toUpperCase()} ${definition.route.path}`] = definition.route.operationId;
  }
  return ids;
}

export const CALLERS = ['owner', 'editor', 'viewer', 'nonMember', 'admin', 'anonymous', 'badToken'] as const;
export type CallerName = (typeof CALLERS)[number];

/** The Clerk ids behind the signed-in callers. `admin` has the admin role in its token but is no member. */
export const USERS = FIXTURE_USERS satisfies Record<Exclude<CallerName, 'anonymous' | 'badToken'>, string>;

/** One status, or the statuses docs/api.md leaves open (e.g. 200 or 204 for an idempotent end). */
export type Expected = number | readonly number[];
export type Expectations = Readonly<Record<CallerName, Expected>>;

const unauthenticated = { anonymous: 401, badToken: 401 } as const;

/** Anyone, signed in or not, with a good token or a bad one: the route never looks at it. */
export const publicAccess = (ok: Expected): Expectations => ({
  owner: ok,
  editor: ok,
  viewer: ok,
  nonMember: ok,
  admin: ok,
  anonymous: ok,
  badToken: ok,
});

/**
 * Clerk's webhook: only a delivery signed with the endpoint's secret gets through, so every caller, signed in
 * or not, is refused alike: a session token is no signature.
 */
export const clerkSignatureOnly = (refused: Expected): Expectations => publicAccess(refused);

/** Any signed-in caller. */
export const signedIn = (ok: Expected): Expectations => ({
  owner: ok,
  editor: ok,
  viewer: ok,
  nonMember: ok,
  admin: ok,
  ...unauthenticated,
});

/** Members (viewer and up); everybody else is told the workshop does not exist. Admins are no exception. */
export const memberAccess = (ok: Expected): Expectations => ({
  owner: ok,
  editor: ok,
  viewer: ok,
  nonMember: 404,
  admin: 404,
  ...unauthenticated,
});

export const editorAccess = (ok: Expected): Expectations => ({ ...memberAccess(ok), viewer: 403 });

export const ownerAccess = (ok: Expected): Expectations => ({
  ...memberAccess(ok),
  editor: 403,
  viewer: 403,
});

/** Admins (role `admin` in the token's metadata); other signed-in callers get 403. */
export const adminAccess = (ok: Expected): Expectations => ({
  owner: 403,
  editor: 403,
  viewer: 403,
  nonMember: 403,
  admin: ok,
  ...unauthenticated,
});

const EXPECTATIONS_BY_ACCESS: Readonly<Record<Access, (ok: Expected) => Expectations>> = {
  public: publicAccess,
  clerkSignature: clerkSignatureOnly,
  signedIn,
  member: memberAccess,
  editor: editorAccess,
  owner: ownerAccess,
  admin: adminAccess,
};

/**
 * What each caller gets for an operation's smallest succeeding call. Clerk's webhook refuses every caller
 * with a session token or none: the call is unsigned, so its problem is a 400, whatever the body.
 */
export function expectationsFor(operation: Operation): Expectations {
  const expected = operation.access === 'clerkSignature' ? 400 : operation.succeeds;
  return EXPECTATIONS_BY_ACCESS[operation.access](expected);
}

/** Path parameters a case can use: `{workshopId}` always, the rest from `params` or `prepare`. */
export type PathParams = Record<string, string>;

export interface PrepareContext {
  workshopId: string;
  /** A request as the workshop's owner; fails the test unless it answers `status`. Returns the JSON body, if any. */
  asOwner(method: string, path: string, status: number, body?: unknown): Promise<unknown>;
  database: TestApp['database'];
}

export interface MatrixCase {
  /** Shown in the test name when a route has several cases, e.g. 'with ?confirm=true'. */
  name?: string;
  /** Appended to the route's path, e.g. '?confirm=true'. */
  query?: string;
  /** A JSON body valid for the route, so that the status reflects authorization and not validation. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Static path parameters, e.g. `{ clerkUserId: 'user_viewer' }`. */
  params?: PathParams;
  /** Runs as the owner once the fixture exists; returns further path parameters (a pack id, a share token). */
  prepare?: (context: PrepareContext) => Promise<PathParams>;
  /**
   * A workshop of its own for every caller, because an allowed call changes what the next caller would
   * see (a delete, a role change). Defaults to true for every method but GET.
   */
  isolate?: boolean;
  expect: Expectations;
  /** When the allowed outcome is itself a problem (a 428 asking for confirmation): its code. */
  problemCode?: string;
}

/** Replaces `{name}` in a route path; a parameter the case does not provide is a mistake in the table. */
export function fillPath(template: string, params: PathParams): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`the matrix row for ${template} gives no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

/** Authorization headers per caller, minted once per app (tokens live an hour; the bad one expired a minute ago). */
export async function callerHeaders(app: TestApp): Promise<Record<CallerName, Record<string, string>>> {
  return {
    owner: await app.as(USERS.owner),
    editor: await app.as(USERS.editor),
    viewer: await app.as(USERS.viewer),
    nonMember: await app.as(USERS.nonMember),
    admin: await app.as(USERS.admin, { admin: true }),
    anonymous: {},
    badToken: await app.as(USERS.owner, { expiresIn: -60 }),
  };
}

export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** A request that must succeed with `status`; the body is shown when it does not. */
export async function expectStatus(response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  expect(response.status, `${response.status}: ${text}`).toBe(status);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/**
 * The fixture: a workshop owned by user_owner, with user_editor (editor) and user_viewer
 * (viewer) added through the API.
 */
export async function createMatrixWorkshop(app: TestApp, owner: Record<string, string>): Promise<string> {
  const created = (await expectStatus(
    await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: 'A matrix fixture: one owner, one editor, one viewer' }, owner),
    }),
    201,
  )) as { id: string };
  for (const [user, role] of [
    [USERS.editor, 'editor'],
    [USERS.viewer, 'viewer'],
  ] as const) {
    await expectStatus(
      await app.request(`/api/workshops/${created.id}/members/${user}`, {
        method: 'PUT',
        ...jsonBody({ role }, owner),
      }),
      201,
    );
  }
  return created.id;
}

export function prepareContext(
  app: TestApp,
  owner: Record<string, string>,
  workshopId: string,
): PrepareContext {
  return {
    workshopId,
    database: app.database,
    asOwner: async (method, path, status, body) =>
      expectStatus(
        await app.request(
          path,
          body === undefined ? { method, headers: owner } : { method, ...jsonBody(body, owner) },
        ),
        status,
      ),
  };
}

export const CHILD_TABLES = ['workshop_members', 'workshop_steps', 'sessions', 'build_packs'] as const;

/** Every row of a workshop and of its children, for "a refused call wrote nothing". */
export async function snapshotWorkshop(
  pool: pg.Pool,
  workshopId: string,
): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {
    workshops: (await pool.query('select * from workshops where id = $1', [workshopId])).rows,
  };
  for (const table of CHILD_TABLES) {
    snapshot[table] = (
      await pool.query(`select * from ${table} where workshop_id = $1 order by id`, [workshopId])
    ).rows;
  }
  return snapshot;
}

const CODE_FOR_STATUS: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' };

export const isRefusal = (status: number): boolean => status in CODE_FOR_STATUS;

/** A refusal is a problem document with the code that goes with its status (and a challenge for a 401). */
export async function expectRefusal(response: Response, status: number): Promise<ProblemBody> {
  const code = CODE_FOR_STATUS[status];
  if (!code) throw new Error(`${status} is not a refusal (401, 403 or 404)`);
  const body = await expectProblem(response, status, code);
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  return body;
}

/** The problem document without the parts that differ between any two requests. */
export function comparableProblem(body: ProblemBody): Omit<ProblemBody, 'requestId'> {
  const { requestId: _requestId, ...rest } = body;
  return rest;
}

/** A well-formed workshop id that names nothing. */
export const missingWorkshopId = (): string => newId('workshop');
