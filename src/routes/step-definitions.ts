import { z } from '@hono/zod-openapi';
import { listStepDefinitions, updateStepDefinition } from '../db/queries/step-definitions';
import type { StepDefinition } from '../db/schema';
import { jsonDigest } from '../domain/sha256';
import { ApiError, notFound } from '../http/api-error';
import { createRouter } from '../http/create-router';
import { contentTag, matchesIfNoneMatch } from '../http/etag';
import { ReferenceDataCache, STEP_DEFINITIONS_TTL_MS } from '../http/reference-data-cache';
import { requestDb } from '../middleware/database';
import {
  HEADERS,
  jsonRequestBody,
  jsonResponse,
  notModifiedResponse,
  problemResponses,
} from '../schemas/common';
import {
  StepDefinitionListSchema,
  StepDefinitionSchema,
  StepIdParam,
  UpdateStepDefinitionSchema,
} from '../schemas/steps';
import { authenticatedRoute, publicRoute } from './route-kinds';

const toDefinition = (row: StepDefinition) => ({
  id: row.id,
  position: row.position,
  name: row.name,
  description: row.description,
  promptTemplate: row.promptTemplate,
  updatedAt: row.updatedAt.toISOString(),
});

const definitionsCache = new ReferenceDataCache<{ items: ReturnType<typeof toDefinition>[]; etag: string }>(
  STEP_DEFINITIONS_TTL_MS,
);

const listRoute = publicRoute({
  method: 'get',
  path: '/step-definitions',
  operationId: 'listStepDefinitions',
  tags: ['step definitions'],
  summary: 'The ten design-thinking steps, in order (cacheable: ETag / If-None-Match)',
  description: `Served from a per-isolate copy for up to ${STEP_DEFINITIONS_TTL_MS / 1000} s, so a conditional GET costs no database round trip; an admin's edit is visible at once where it was made.`,
  responses: {
    200: jsonResponse(StepDefinitionListSchema, 'Definitions', HEADERS.etag),
    304: notModifiedResponse,
    ...problemResponses(),
  },
});

const patchRoute = authenticatedRoute({
  method: 'patch',
  path: '/step-definitions/{stepId}',
  operationId: 'updateStepDefinition',
  description:
    "Admins only (role `admin` in the token's metadata). The public list shows the change at once where it was made.",
  tags: ['step definitions'],
  summary: "Edit a definition's name, description or prompt template (admins), without a deploy",
  request: {
    params: z.object({ stepId: StepIdParam }),
    body: jsonRequestBody(UpdateStepDefinitionSchema),
  },
  responses: {
    200: jsonResponse(StepDefinitionSchema, 'Updated'),
    ...problemResponses(400, 401, 403, 404, 413, 415),
  },
});

export const stepDefinitionRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { items, etag } = await definitionsCache.get(c.get('config').DATABASE_URL, async () => {
      const items = (await listStepDefinitions(requestDb(c))).map(toDefinition);
      return { items, etag: contentTag('sd', await jsonDigest(items)) };
    });
    c.header('ETag', etag);
    c.header('Cache-Control', 'public, max-age=0, must-revalidate');
    if (matchesIfNoneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
    return c.json({ items }, 200);
  })
  .openapi(patchRoute, async (c) => {
    if (!c.get('caller').isAdmin)
      throw new ApiError('forbidden', 'Editing step definitions needs the admin role.');
    const updated = await updateStepDefinition(
      requestDb(c),
      c.req.valid('param').stepId,
      c.req.valid('json'),
    );
    if (!updated) throw notFound('step definition');
    definitionsCache.invalidate(c.get('config').DATABASE_URL);
    return c.json(toDefinition(updated), 200);
  });
