import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { FoundWorkshop } from '../db/queries/workshops';
import {
  createWorkshop,
  deleteWorkshop,
  findDeletionImpact,
  findWorkshopForMember,
  listWorkshopsForMember,
  updateWorkshop,
} from '../db/queries/workshops';
import { newId } from '../domain/ids';
import { STEP_COUNT } from '../domain/step-catalogue';
import { MANUAL_TRANSITIONS, statusesThatReach } from '../domain/workshop-status';
import { titleFromIdea } from '../domain/workshop-title';
import { ApiError } from '../http/api-error';
import { createRouter } from '../http/create-router';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { matchesIfNoneMatch, parseIfMatch, versionTag } from '../http/etag';
import { IDEMPOTENCY_HEADER, idempotencyKeyLimitReached, readIdempotency } from '../http/idempotency';
import { withIndefiniteArticle } from '../http/indefinite-article';
import { requestDb } from '../middleware/database';
import {
  HEADERS,
  jsonRequestBody,
  jsonResponse,
  notModifiedResponse,
  problemResponses,
  WorkshopIdParams,
} from '../schemas/common';
import {
  CreateWorkshopSchema,
  DeleteWorkshopQuery,
  ListWorkshopsQuery,
  UpdateWorkshopSchema,
  WorkshopDetailSchema,
  WorkshopListSchema,
} from '../schemas/workshops';
import { callerScope, type RoleRule, requireFound, requireRole, requireWritten } from './access';
import { replayFirstAnswer } from './idempotent-replay';
import { authenticatedRoute } from './route-kinds';

export const WORKSHOP_TAG = 'ws';

const listRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops',
  operationId: 'listWorkshops',
  description:
    'Any signed-in caller; every workshop they are a member of, with their role. Pages with `limit` and the opaque `cursor` from `nextCursor`.',
  tags: ['workshops'],
  summary: "The caller's workshops (any role), newest activity first",
  request: { query: ListWorkshopsQuery },
  responses: { 200: jsonResponse(WorkshopListSchema, 'A page of workshops'), ...problemResponses(400, 401) },
});

const createWorkshopRoute = authenticatedRoute({
  method: 'post',
  path: '/workshops',
  operationId: 'createWorkshop',
  description:
    "Any signed-in caller, up to their plan's cap (403 `workshop_cap_reached` with `cap`, `plan` and `count`). An `Idempotency-Key` makes a retry answer as the first request did.",
  tags: ['workshops'],
  summary: 'Start a workshop: the workshop (draft), owner membership and ten not-started steps, atomically',
  request: { body: jsonRequestBody(CreateWorkshopSchema) },
  responses: {
    201: jsonResponse(WorkshopDetailSchema, 'Created; `Location` names it', {
      ...HEADERS.etag,
      ...HEADERS.location,
    }),
    ...problemResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const getRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}',
  operationId: 'getWorkshop',
  description:
    'Members of any role; anyone else gets 404, exactly as for a workshop that does not exist. Conditional with `If-None-Match`.',
  tags: ['workshops'],
  summary: "One workshop with the caller's role, a summary of its steps, progress and current step",
  request: { params: WorkshopIdParams },
  responses: {
    200: jsonResponse(WorkshopDetailSchema, 'The workshop; `ETag` names its version', HEADERS.etag),
    304: notModifiedResponse,
    ...problemResponses(401, 404),
  },
});

const patchRoute = authenticatedRoute({
  method: 'patch',
  path: '/workshops/{workshopId}',
  operationId: 'updateWorkshop',
  tags: ['workshops'],
  summary: 'Edit title, idea or status (allowed transitions only); honours If-Match',
  description: `Manual status transitions: ${Object.entries(MANUAL_TRANSITIONS)
    .map(([from, to]) => `${from} → ${to.join(', ')}`)
    .join('; ')}. Completed follows from the last step completing.`,
  request: {
    params: WorkshopIdParams,
    body: jsonRequestBody(UpdateWorkshopSchema),
  },
  responses: {
    200: jsonResponse(WorkshopDetailSchema, 'The updated workshop', HEADERS.etag),
    ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415),
  },
});

const deleteRoute = authenticatedRoute({
  method: 'delete',
  path: '/workshops/{workshopId}',
  operationId: 'deleteWorkshop',
  description:
    'Owners only. Without `?confirm=true` it answers 428 `confirmation_required` with `wouldDelete` (the counts of steps, sessions, build packs and members that would go) and deletes nothing.',
  tags: ['workshops'],
  summary: 'Delete for real, with everything in it; needs ?confirm=true',
  request: { params: WorkshopIdParams, query: DeleteWorkshopQuery },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(400, 401, 403, 404, 413, 428),
  },
});

function capReached(plan: string, detail: { cap?: unknown; count?: unknown }) {
  const { cap, count } = detail;
  return new ApiError(
    'workshop_cap_reached',
    `The ${plan} plan allows ${cap} workshop(s); you have ${count}.`,
    {
      extensions: { cap, plan, count },
    },
  );
}

/** A workshop is filed under an organization only when the caller's session token says they act for it. */
const organizationNotAllowed = (orgId: string) =>
  new ApiError(
    'organization_not_allowed',
    'orgId must be the organization active in your session. Switch to it in your app, then retry.',
    { extensions: { orgId } },
  );

const EDIT_WORKSHOP: RoleRule = {
  resource: 'workshop',
  needs: 'editor',
  refusal: 'Editing a workshop needs the editor role.',
};
const DELETE_WORKSHOP: RoleRule = {
  resource: 'workshop',
  needs: 'owner',
  refusal: 'Only an owner can delete a workshop.',
};

/**
 * The workshop's version, plus the newest step definition it shows (a renamed step changes the body) and
 * the caller's role (the body names it, and only owners see the share token).
 */
function workshopTag({ workshop, newestDefinitionAt }: FoundWorkshop): string {
  return versionTag(WORKSHOP_TAG, workshop.updatedAt, {
    alsoShown: [newestDefinitionAt ?? new Date(0)],
    variant: workshop.role,
  });
}

function withVersion(c: Context<AppEnv>, found: FoundWorkshop) {
  c.header('ETag', workshopTag(found));
  return found.workshop;
}

export const workshopRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new ApiError('validation_failed', 'The cursor is not valid.', {
        errors: [{ path: 'cursor', message: 'not a cursor returned by this API' }],
      });
    }
    const workshops = await listWorkshopsForMember(
      requestDb(c),
      callerScope(c, { status: query.status, limit: query.limit, after }),
    );
    const page = workshops.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      workshops.length > query.limit && last
        ? encodeCursor({ updatedAt: last.updatedAt, id: last.id })
        : null;
    return c.json({ items: page, nextCursor }, 200);
  })
  .openapi(createWorkshopRoute, async (c) => {
    const caller = c.get('caller');
    const body = c.req.valid('json');
    const cap = c.get('config').WORKSHOP_CAPS[caller.plan] ?? 0;
    const idempotency = await readIdempotency(c.req.header(IDEMPOTENCY_HEADER), 'create-workshop', body);
    if (body.orgId !== undefined && body.orgId !== caller.orgId) throw organizationNotAllowed(body.orgId);
    const result = await createWorkshop(requestDb(c), {
      workshopId: newId('workshop'),
      memberId: newId('member'),
      stepIds: Array.from({ length: STEP_COUNT }, () => newId('workshopStep')),
      userId: caller.userId,
      plan: caller.plan,
      cap,
      title: body.title ?? titleFromIdea(body.originalIdea),
      originalIdea: body.originalIdea,
      templateId: body.templateId ?? null,
      orgId: body.orgId ?? null,
      idempotency,
    });
    if (result.outcome === 'cap_reached') throw capReached(caller.plan, { cap, count: result.owned });
    if (result.outcome === 'key_limit_reached') throw idempotencyKeyLimitReached(result.retryAt);
    const created =
      result.outcome === 'created'
        ? result.workshop
        : replayFirstAnswer(c, result.replay, idempotency, 'workshop', (detail) =>
            capReached(caller.plan, detail),
          );
    c.header('Location', `/api/workshops/${created.workshop.id}`);
    return c.json(withVersion(c, created), 201);
  })
  .openapi(getRoute, async (c) => {
    const { workshopId } = c.req.valid('param');
    const found = requireFound(
      await findWorkshopForMember(requestDb(c), callerScope(c, { workshopId })),
      'workshop',
    );
    const etag = workshopTag(found);
    c.header('ETag', etag);
    if (matchesIfNoneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
    return c.json(found.workshop, 200);
  })
  .openapi(patchRoute, async (c) => {
    const { workshopId } = c.req.valid('param');
    const body = c.req.valid('json');
    const ifMatch = parseIfMatch(c.req.header('If-Match'), WORKSHOP_TAG);
    const result = await updateWorkshop(requestDb(c), {
      ...callerScope(c, { workshopId }),
      title: body.title,
      originalIdea: body.originalIdea,
      status: body.status,
      allowedFrom: body.status ? statusesThatReach(body.status) : [],
      expectedVersion: ifMatch && 'version' in ifMatch ? ifMatch.version : undefined,
    });
    requireRole(result.role, EDIT_WORKSHOP);
    const found = requireFound(result.workshop, 'workshop');
    if (!result.changed) {
      const currentVersion = new Date(found.workshop.updatedAt).getTime();
      if (ifMatch && 'version' in ifMatch && ifMatch.version.getTime() !== currentVersion) {
        throw new ApiError(
          'precondition_failed',
          'The workshop changed since you read it. Fetch it and retry.',
          {
            extensions: { currentETag: workshopTag(found) },
          },
        );
      }
      throw new ApiError(
        'invalid_transition',
        `${withIndefiniteArticle(String(result.previousStatus), { sentenceStart: true })} workshop cannot become ${body.status}.`,
        { extensions: { from: result.previousStatus, to: body.status } },
      );
    }
    return c.json(withVersion(c, found), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const scope = callerScope(c, c.req.valid('param'));
    const db = requestDb(c);
    if (c.req.valid('query').confirm !== 'true') {
      const impact = requireFound(await findDeletionImpact(db, scope), 'workshop');
      requireRole(impact.role, DELETE_WORKSHOP);
      throw new ApiError(
        'confirmation_required',
        'Deleting a workshop removes it and everything in it for good. Repeat with ?confirm=true.',
        { extensions: { wouldDelete: impact.counts } },
      );
    }
    const { role, changed } = await deleteWorkshop(db, scope);
    requireRole(role, DELETE_WORKSHOP);
    requireWritten(changed, 'workshop');
    return c.body(null, 204);
  });
