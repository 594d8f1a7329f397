import { z } from '@hono/zod-openapi';
import { type AppRouter, createRouter } from '../http/create-router';
import { serverErrorResponse } from '../schemas/common';
import { loadPrebuiltOpenApiDocument } from './prebuilt-openapi-document';
import { publicRoute } from './route-kinds';

const documentRoute = publicRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  description: 'The document is built once per process from the same schemas that validate requests.',
  tags: ['meta'],
  summary: 'This OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'The OpenAPI document',
      content: {
        'application/json': { schema: z.record(z.string(), z.unknown()).openapi('OpenAPIDocument') },
      },
    },
    ...serverErrorResponse,
  },
});

/** Every tag an operation uses, described once; the document test keeps the two in step. */
export const TAGS = [
  { name: 'workshops', description: 'A workshop: one idea worked through ten design-thinking steps' },
  { name: 'steps', description: "A workshop's ten steps: their status, structured outputs and completion" },
  { name: 'members', description: 'Who may see or change a workshop, and with which role' },
  { name: 'sharing', description: 'Read-only links that work without signing in' },
  {
    name: 'sessions',
    description: 'Periods of work on a workshop, written only once something meaningful happens',
  },
  {
    name: 'build packs',
    description: 'Markdown, JSON or PDF exports rendered from the current step outputs',
  },
  {
    name: 'step definitions',
    description: 'The ten steps themselves: names, descriptions and prompt templates',
  },
  { name: 'me', description: 'The signed-in caller' },
  { name: 'webhooks', description: 'Events from Clerk, verified by their signature: account deletion' },
  { name: 'health', description: 'Readiness and liveness probes' },
  { name: 'meta', description: 'This document and its interactive reference' },
];

/** OpenAPI 3.1's SPDX `identifier`; the generator's types know only 3.0's license object. */
const LICENSE = { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' };

export type OpenApiDocument = ReturnType<AppRouter['getOpenAPI31Document']>;

/** The document of an app whose `openApiRoutes` are mounted: what `/api/openapi.json` serves. */
export function generateOpenApiDocument(root: AppRouter): OpenApiDocument {
  return root.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'workshop-api',
      version: '0.1.0',
      description:
        'Persistence and REST backbone of an AI-guided design-thinking workshop: workshops, ten steps with ' +
        'structured outputs, lazily persisted sessions, members, share links and build packs. Errors are ' +
        'RFC 9457 problem+json. A method a path does not support answers 405 with `Allow`.',
      contact: { name: 'workshop-api maintainers' },
      license: LICENSE,
    },
    // Relative: the document's own origin, whether that is a laptop, a preview or production.
    servers: [{ url: '/', description: 'The origin that serves this document' }],
    tags: TAGS,
  });
}

/**
 * The document is generated from the root app's registry on first request and kept for the life of the
 * process: regenerating it per request has leaked memory elsewhere. The Worker bundle serves the same
 * document generated when it was built instead (see prebuilt-openapi-document.ts).
 */
export function openApiRoutes(root: AppRouter) {
  root.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Clerk session token (locally: `npm run -s token -- --user <id>`)',
  });
  root.openAPIRegistry.registerComponent('securitySchemes', 'clerkWebhookSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'svix-signature',
    description:
      "Clerk's webhook signature, made by Svix with the endpoint's signing secret over `svix-id`, " +
      '`svix-timestamp` (within five minutes) and the body; all three headers are required ' +
      '(locally: `npm run -s webhook -- user.deleted --user <id>`)',
  });
  let document: OpenApiDocument | undefined;
  return createRouter().openapi(documentRoute, async (c) => {
    document ??= (await loadPrebuiltOpenApiDocument()) ?? generateOpenApiDocument(root);
    return c.json(document, 200);
  });
}
