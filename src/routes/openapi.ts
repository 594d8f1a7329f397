import { createRoute, z } from '@hono/zod-openapi';
import { type AppRouter, createRouter } from '../lib/create-router';

const documentRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['meta'],
  summary: 'This OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'The OpenAPI document',
      content: {
        'application/json': { schema: z.record(z.string(), z.unknown()).openapi('OpenAPIDocument') },
      },
    },
  },
});

type OpenApiDocument = ReturnType<AppRouter['getOpenAPI31Document']>;

/**
 * The document is generated from the root app's registry on first request and kept for the life of the
 * process: regenerating it per request has leaked memory elsewhere.
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
  return createRouter().openapi(documentRoute, (c) => {
    document ??= root.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'workshop-api',
        version: '0.1.0',
        description:
          'Persistence and REST backbone of an AI-guided design-thinking workshop: workshops, ten steps with ' +
          'structured outputs, lazily persisted sessions, members, share links and build packs. Errors are ' +
          'RFC 9457 problem+json.',
      },
    });
    return c.json(document, 200);
  });
}
