/**
 * Every operation the app serves, described once: who may call it, the smallest call that succeeds, and
 * what the test suites and the bench need to know about it. The authorization matrix, the hostile-input
 * and fuzz suites and the bench derive their route lists from this table, and the authorization matrix
 * fails when the app serves an operation that has no entry here (or an entry names one it does not serve).
 * No test-runner imports: bench/ loads this file too.
 */
import { STEP_DEFINITIONS } from '../../src/domain/step-catalogue';

/** `GET /api/workshops/{workshopId}`: an upper-case method, a space, the OpenAPI-style path. */
export type RouteKey = `${Uppercase<string>} /${string}`;

/**
 * Who may call an operation. `clerkSignature`: only deliveries signed with the webhook secret, so every
 * caller holding a session token (or none) is refused alike.
 */
export type Access = 'public' | 'clerkSignature' | 'signedIn' | 'member' | 'editor' | 'owner' | 'admin';

/** What must exist in the workshop, beyond its owner, editor and viewer, before the smallest call succeeds. */
export type Precondition = 'shareLink' | 'buildPack' | 'challengeOutput';

export interface Operation {
  /** The operation's `operationId` in the OpenAPI document. */
  operationId: string;
  access: Access;
  /** The status (or the statuses the contract leaves open) of the smallest succeeding call. */
  succeeds: number | readonly number[];
  /** Path parameters that are not ids of the fixture (a step slug, a Clerk user id). */
  params?: Readonly<Record<string, string>>;
  /** Appended to the path of the smallest succeeding call. */
  query?: string;
  /** A JSON body the operation accepts: the smallest succeeding call sends it. */
  body?: Readonly<Record<string, unknown>>;
  needs?: readonly Precondition[];
  /**
   * The statuses any schema-valid body may get on a fixture with every precondition met, as its owner (who
   * is also an admin): the business refusals the operation documents, never a 5xx.
   */
  validBodyOutcomes?: readonly number[];
  /** Honours Idempotency-Key. */
  idempotentCreate?: true;
  /** Answers without any database work. */
  databaseFree?: true;
  /**
   * Answers a conditional GET with 304: a public resource without touching the database, a member-only
   * one once the caller has been authorized.
   */
  conditional?: 'public' | 'member';
}

const CHALLENGE = STEP_DEFINITIONS[0];
if (!CHALLENGE) throw new Error('the step definitions are empty');

export const STEP_OUTPUT_ROUTE = 'PUT /api/workshops/{workshopId}/steps/{stepId}/output' as const;
export const CLERK_WEBHOOK_ROUTE = 'POST /api/webhooks/clerk' as const;

/**
 * The Clerk ids of the workshop fixture the smallest calls assume: its owner, editor and viewer, plus a
 * signed-in stranger and an admin (the admin role in the token, no membership).
 */
export const FIXTURE_USERS = {
  owner: 'user_owner',
  editor: 'user_editor',
  viewer: 'user_viewer',
  nonMember: 'user_stranger',
  admin: 'user_admin',
} as const;

/** The member the smallest "add a member" call adds. */
const NEW_MEMBER = 'user_newcomer';

export const ROUTE_CATALOGUE = {
  // Public
  'GET /': { operationId: 'getRoot', access: 'public', succeeds: 200, databaseFree: true },
  'GET /api': { operationId: 'getApiIndex', access: 'public', succeeds: 200, databaseFree: true },
  'GET /api/health': { operationId: 'getReadiness', access: 'public', succeeds: 200 },
  'GET /api/health/live': { operationId: 'getLiveness', access: 'public', succeeds: 200, databaseFree: true },
  'GET /api/openapi.json': {
    operationId: 'getOpenApiDocument',
    access: 'public',
    succeeds: 200,
    databaseFree: true,
  },
  'GET /api/docs': { operationId: 'getApiReference', access: 'public', succeeds: 200, databaseFree: true },
  'GET /api/step-definitions': {
    operationId: 'listStepDefinitions',
    access: 'public',
    succeeds: 200,
    conditional: 'public',
  },
  'GET /api/shared/{shareToken}': {
    operationId: 'getSharedWorkshop',
    access: 'public',
    succeeds: 200,
    needs: ['shareLink'],
  },

  [CLERK_WEBHOOK_ROUTE]: {
    operationId: 'receiveClerkWebhook',
    access: 'clerkSignature',
    succeeds: 200,
    // An update of a user nobody knows: acknowledged, and nothing in any fixture changes.
    body: { type: 'user.updated', object: 'event', data: { id: 'user_nobody_at_all' } },
    validBodyOutcomes: [200],
  },

  // Admin. Writes the description the step already has, so the seeded definitions stay as they are.
  'PATCH /api/step-definitions/{stepId}': {
    operationId: 'updateStepDefinition',
    access: 'admin',
    succeeds: 200,
    params: { stepId: CHALLENGE.id },
    body: { description: CHALLENGE.description },
    validBodyOutcomes: [200],
  },

  // Any signed-in caller
  'GET /api/me': { operationId: 'getMe', access: 'signedIn', succeeds: 200 },
  'GET /api/workshops': { operationId: 'listWorkshops', access: 'signedIn', succeeds: 200 },
  'POST /api/workshops': {
    operationId: 'createWorkshop',
    access: 'signedIn',
    succeeds: 201,
    body: { originalIdea: 'Anyone signed in may start a workshop', title: 'A catalogue workshop' },
    // 403 once the caller's plan cap is reached.
    validBodyOutcomes: [201, 403],
    idempotentCreate: true,
  },

  // Workshops
  'GET /api/workshops/{workshopId}': {
    operationId: 'getWorkshop',
    access: 'member',
    succeeds: 200,
    conditional: 'member',
  },
  'PATCH /api/workshops/{workshopId}': {
    operationId: 'updateWorkshop',
    access: 'editor',
    succeeds: 200,
    body: { title: 'Renamed' },
    validBodyOutcomes: [200, 409],
  },
  'DELETE /api/workshops/{workshopId}': {
    operationId: 'deleteWorkshop',
    access: 'owner',
    succeeds: 204,
    query: '?confirm=true',
  },

  // Sharing
  'PUT /api/workshops/{workshopId}/share': { operationId: 'shareWorkshop', access: 'owner', succeeds: 200 },
  'DELETE /api/workshops/{workshopId}/share': {
    operationId: 'unshareWorkshop',
    access: 'owner',
    succeeds: 204,
    needs: ['shareLink'],
  },

  // Members
  'GET /api/workshops/{workshopId}/members': { operationId: 'listMembers', access: 'member', succeeds: 200 },
  'PUT /api/workshops/{workshopId}/members/{clerkUserId}': {
    operationId: 'putMember',
    access: 'owner',
    succeeds: 201,
    params: { clerkUserId: NEW_MEMBER },
    body: { role: 'viewer' },
    validBodyOutcomes: [200, 201, 409],
  },
  'DELETE /api/workshops/{workshopId}/members/{clerkUserId}': {
    operationId: 'removeMember',
    access: 'owner',
    succeeds: 204,
    params: { clerkUserId: FIXTURE_USERS.viewer },
  },

  // Steps
  'GET /api/workshops/{workshopId}/steps': { operationId: 'listSteps', access: 'member', succeeds: 200 },
  'GET /api/workshops/{workshopId}/steps/{stepId}': {
    operationId: 'getStep',
    access: 'member',
    succeeds: 200,
    params: { stepId: CHALLENGE.id },
    conditional: 'member',
  },
  [STEP_OUTPUT_ROUTE]: {
    operationId: 'saveStepOutput',
    access: 'editor',
    succeeds: 200,
    params: { stepId: CHALLENGE.id },
    body: { output: { statement: 'How might we help shift workers eat well?' } },
    validBodyOutcomes: [200, 409, 413],
  },
  'POST /api/workshops/{workshopId}/steps/{stepId}/complete': {
    operationId: 'completeStep',
    access: 'editor',
    succeeds: 200,
    params: { stepId: CHALLENGE.id },
    needs: ['challengeOutput'],
    body: { by: 'ai' },
    // 409 only from two concurrent completes of one step racing; 428 for a user skip without confirm.
    validBodyOutcomes: [200, 409, 428],
  },
  'GET /api/workshops/{workshopId}/steps/{stepId}/context': {
    operationId: 'getStepContext',
    access: 'member',
    succeeds: 200,
    params: { stepId: 'stakeholder-mapping' },
  },

  // Sessions. Ending a session never persisted is allowed for members and writes nothing.
  'GET /api/workshops/{workshopId}/sessions': {
    operationId: 'listSessions',
    access: 'member',
    succeeds: 200,
  },
  'POST /api/workshops/{workshopId}/sessions/{sessionId}/end': {
    operationId: 'endSession',
    access: 'member',
    succeeds: [200, 204],
  },

  // Build packs
  'GET /api/workshops/{workshopId}/build-packs': {
    operationId: 'listBuildPacks',
    access: 'member',
    succeeds: 200,
  },
  'POST /api/workshops/{workshopId}/build-packs': {
    operationId: 'createBuildPack',
    access: 'editor',
    succeeds: 201,
    body: { format: 'markdown', title: 'Pack' },
    // 409 once the workshop holds the most build packs allowed.
    validBodyOutcomes: [201, 409],
    idempotentCreate: true,
  },
  'GET /api/workshops/{workshopId}/build-packs/{packId}': {
    operationId: 'getBuildPack',
    access: 'member',
    succeeds: 200,
    needs: ['buildPack'],
  },
  'GET /api/workshops/{workshopId}/build-packs/{packId}/content': {
    operationId: 'getBuildPackContent',
    access: 'member',
    succeeds: 200,
    needs: ['buildPack'],
    conditional: 'member',
  },
  'DELETE /api/workshops/{workshopId}/build-packs/{packId}': {
    operationId: 'deleteBuildPack',
    access: 'editor',
    succeeds: 204,
    needs: ['buildPack'],
  },
} as const satisfies Readonly<Record<RouteKey, Operation>>;

export type OperationKey = keyof typeof ROUTE_CATALOGUE;

export const OPERATION_KEYS = Object.keys(ROUTE_CATALOGUE) as OperationKey[];

export const operation = (key: OperationKey): Operation => ROUTE_CATALOGUE[key];

export function splitKey(key: RouteKey): { method: string; path: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space), path: key.slice(space + 1) };
}

export const statusesOf = (expected: number | readonly number[]): readonly number[] =>
  typeof expected === 'number' ? [expected] : expected;

/** The operations that take a JSON body, with the body their smallest succeeding call sends. */
export const VALID_BODIES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.fromEntries(
  OPERATION_KEYS.flatMap((key) => {
    const { body } = operation(key);
    return body ? [[key, body]] : [];
  }),
);

/** Per operation with a JSON body: the statuses a schema-valid body may get (see `validBodyOutcomes`). */
export const VALID_OUTCOMES: Readonly<Record<string, readonly number[]>> = Object.fromEntries(
  OPERATION_KEYS.flatMap((key) => {
    const outcomes = operation(key).validBodyOutcomes;
    return outcomes ? [[key, outcomes]] : [];
  }),
);

/** Operations whose POST honours Idempotency-Key. */
export const IDEMPOTENT_CREATES: ReadonlySet<string> = new Set(
  OPERATION_KEYS.filter((key) => operation(key).idempotentCreate),
);
