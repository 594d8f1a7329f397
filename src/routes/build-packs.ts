import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { packContentDigest, renderPack } from '../build-pack/render-pack';
import {
  type BuildPackRecord,
  createBuildPack,
  deleteBuildPack,
  findBuildPack,
  findBuildPackSource,
  listBuildPacks,
  type PackContentRow,
} from '../db/queries/build-packs';
import { newId } from '../domain/ids';
import { MAX_BUILD_PACKS_PER_WORKSHOP } from '../domain/storage-limits';
import { ApiError, notFound } from '../http/api-error';
import { attachment } from '../http/content-disposition';
import { createRouter } from '../http/create-router';
import { contentTag, matchesIfNoneMatch } from '../http/etag';
import { IDEMPOTENCY_HEADER, idempotencyKeyLimitReached, readIdempotency } from '../http/idempotency';
import { requestDb } from '../middleware/database';
import { BuildPackDocumentSchema } from '../schemas/build-pack-document';
import {
  type BuildPack,
  BuildPackListSchema,
  BuildPackParams,
  BuildPackSchema,
  CreateBuildPackSchema,
} from '../schemas/build-packs';
import {
  HEADERS,
  jsonRequestBody,
  jsonResponse,
  notModifiedResponse,
  problemResponses,
  responseHeaders,
  WorkshopIdParams,
} from '../schemas/common';
import { callerScope, type RoleRule, requireFound, requireRole, requireWritten } from './access';
import { replayFirstAnswer } from './idempotent-replay';
import { authenticatedRoute } from './route-kinds';

/** The pack as answers show it: the record with where its content renders. */
const withContentUrl = ({ createdAt, updatedAt, ...pack }: BuildPackRecord): BuildPack => ({
  ...pack,
  contentUrl: `/api/workshops/${pack.workshopId}/build-packs/${pack.id}/content`,
  createdAt,
  updatedAt,
});

const createPackRoute = authenticatedRoute({
  method: 'post',
  path: '/workshops/{workshopId}/build-packs',
  operationId: 'createBuildPack',
  description: 'Editors and owners. An `Idempotency-Key` makes a retry answer as the first request did.',
  tags: ['build packs'],
  summary:
    'Create a build pack (Markdown, JSON or PDF); its content is always rendered from the current outputs',
  request: {
    params: WorkshopIdParams,
    body: jsonRequestBody(CreateBuildPackSchema),
  },
  responses: {
    201: jsonResponse(
      BuildPackSchema,
      'Created; `Location` names it, `contentUrl` renders it',
      HEADERS.location,
    ),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});

const listRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/build-packs',
  operationId: 'listBuildPacks',
  description: 'Members of any role.',
  tags: ['build packs'],
  summary: "The workshop's build packs, newest first",
  request: { params: WorkshopIdParams },
  responses: { 200: jsonResponse(BuildPackListSchema, 'Build packs'), ...problemResponses(401, 404) },
});

const getRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/build-packs/{packId}',
  operationId: 'getBuildPack',
  description: 'Members of any role.',
  tags: ['build packs'],
  summary: "A build pack's metadata",
  request: { params: BuildPackParams },
  responses: { 200: jsonResponse(BuildPackSchema, 'The build pack'), ...problemResponses(401, 404) },
});

const contentRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/build-packs/{packId}/content',
  operationId: 'getBuildPackContent',
  tags: ['build packs'],
  summary: 'The build pack, rendered now from the current step outputs',
  description:
    'text/markdown, application/json (the versioned BuildPackDocument) or application/pdf, as an attachment. ' +
    'The ETag changes exactly when the pack, the workshop or a step changes. ' +
    'A PDF too long to render (over its page or layout limit) is refused with 422 `pack_too_large_to_render`.',
  request: { params: BuildPackParams },
  responses: {
    200: {
      description: 'The rendered pack',
      headers: responseHeaders({
        ...HEADERS.etag,
        'Content-Disposition': 'An attachment, with a file name made from the title',
      }),
      content: {
        'text/markdown': { schema: z.string() },
        'application/json': { schema: BuildPackDocumentSchema },
        'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    304: notModifiedResponse,
    ...problemResponses(401, 404, 422),
  },
});

const deleteRoute = authenticatedRoute({
  method: 'delete',
  path: '/workshops/{workshopId}/build-packs/{packId}',
  operationId: 'deleteBuildPack',
  description: 'Editors and owners.',
  tags: ['build packs'],
  summary: 'Delete a build pack',
  request: { params: BuildPackParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 413) },
});

const buildPackLimitReached = (count: number) =>
  new ApiError(
    'build_pack_limit_reached',
    `A workshop holds at most ${MAX_BUILD_PACKS_PER_WORKSHOP} build packs. Delete one you no longer need: every pack renders from the current outputs anyway.`,
    { extensions: { limit: MAX_BUILD_PACKS_PER_WORKSHOP, count } },
  );

const CREATE_PACKS: RoleRule = {
  resource: 'workshop',
  needs: 'editor',
  refusal: 'Creating build packs needs the editor role.',
};
const DELETE_PACKS: RoleRule = {
  resource: 'build pack',
  needs: 'editor',
  refusal: 'Deleting build packs needs the editor role.',
};

async function respondWithContent(c: Context<AppEnv>, row: PackContentRow) {
  const digest = await packContentDigest(row);
  const etag = contentTag('bpc', digest);
  c.header('Cache-Control', 'private, no-cache');
  if (matchesIfNoneMatch(c.req.header('If-None-Match'), etag)) {
    c.header('ETag', etag);
    return c.body(null, 304);
  }
  const pack = await renderPack(row, digest);
  // Only now: a refusal (a problem) must not carry the tag of content it never delivered.
  c.header('ETag', etag);
  c.header('Content-Type', pack.contentType);
  c.header('Content-Disposition', attachment(pack.title, pack.extension));
  return c.body(typeof pack.body === 'string' ? pack.body : pack.body.slice().buffer, 200);
}

export const buildPackRoutes = createRouter()
  .openapi(createPackRoute, async (c) => {
    const body = c.req.valid('json');
    const { workshopId } = c.req.valid('param');
    const idempotency = await readIdempotency(
      c.req.header(IDEMPOTENCY_HEADER),
      `create-build-pack:${workshopId}`,
      body,
    );
    const result = await createBuildPack(requestDb(c), {
      ...callerScope(c, { workshopId }),
      packId: newId('buildPack'),
      title: body.title ?? null,
      format: body.format,
      idempotency,
    });
    requireRole(result.role, CREATE_PACKS);
    if (result.keyLimit) throw idempotencyKeyLimitReached(result.keyLimit.retryAt);
    const created = result.replay
      ? replayFirstAnswer(c, result.replay, idempotency, 'build pack')
      : result.pack;
    if (!created) throw buildPackLimitReached(result.packCount);
    const pack = withContentUrl(created);
    c.header('Location', `/api/workshops/${pack.workshopId}/build-packs/${pack.id}`);
    return c.json(pack, 201);
  })
  .openapi(listRoute, async (c) => {
    const packs = requireFound(
      await listBuildPacks(requestDb(c), callerScope(c, c.req.valid('param'))),
      'workshop',
    );
    return c.json({ items: packs.map(withContentUrl) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const pack = requireFound(
      await findBuildPack(requestDb(c), callerScope(c, c.req.valid('param'))),
      'build pack',
    );
    return c.json(withContentUrl(pack), 200);
  })
  .openapi(contentRoute, async (c) => {
    const row = requireFound(
      await findBuildPackSource(requestDb(c), callerScope(c, c.req.valid('param'))),
      'build pack',
    );
    return respondWithContent(c, row);
  })
  .openapi(deleteRoute, async (c) => {
    const result = await deleteBuildPack(requestDb(c), callerScope(c, c.req.valid('param')));
    if (!result.exists) throw notFound('build pack');
    requireRole(result.role, DELETE_PACKS);
    requireWritten(result.changed, 'build pack');
    return c.body(null, 204);
  });
