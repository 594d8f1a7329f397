import { z } from '@hono/zod-openapi';
import { createRouter } from '../http/create-router';
import { publicUrl } from '../http/public-url';
import { jsonResponse, serverErrorResponse } from '../schemas/common';
import { OPENAPI_DOCUMENT_PATH } from './docs';
import { publicRoute } from './route-kinds';

const ApiIndexSchema = z
  .object({
    name: z.literal('workshop-api'),
    docs: z.url().openapi({ description: 'The interactive API reference' }),
    openapi: z.url().openapi({ description: 'This OpenAPI document' }),
    health: z.url().openapi({ description: 'Readiness, database included' }),
  })
  .openapi('ApiIndex');

/** `/` and `/api` answer the first thing someone opens with where the documentation is, not a bare 404. */
const indexRoute = (path: '/' | '/api') =>
  publicRoute({
    method: 'get',
    path,
    operationId: path === '/' ? 'getRoot' : 'getApiIndex',
    tags: ['meta'],
    summary: 'Where to start: links to the API reference, the OpenAPI document and the health check',
    description: 'Public. Links built on the configured public base URL.',
    responses: {
      200: jsonResponse(ApiIndexSchema, 'Links to the documentation'),
      ...serverErrorResponse,
    },
  });

export const apiIndexRoutes = createRouter();
for (const path of ['/', '/api'] as const) {
  apiIndexRoutes.openapi(indexRoute(path), (c) => {
    const config = c.get('config');
    return c.json(
      {
        name: 'workshop-api' as const,
        docs: publicUrl(config, '/api/docs'),
        openapi: publicUrl(config, OPENAPI_DOCUMENT_PATH),
        health: publicUrl(config, '/api/health'),
      },
      200,
    );
  });
}
