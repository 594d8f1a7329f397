/**
 * The bundle-size floor of this stack: a Worker with the app's dependencies doing the least the app does
 * with each (an OpenAPI route validated by zod, Clerk's verifyToken, one drizzle query over the Neon
 * HTTP driver, the generated document), and none of the app's own code. Built like the real Worker by
 * scripts/build-worker.ts; scripts/bundle-size.ts reports it next to the real main module. It keeps the
 * document generator (`--runtime-openapi`), as the reference the target was set against: the app's Worker
 * serves a document generated at build time instead, without the generator.
 */
import { verifyToken } from '@clerk/backend';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { neon } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';

const app = new OpenAPIHono<{ Bindings: { DATABASE_URL: string; CLERK_JWT_KEY: string } }>();
const route = createRoute({
  method: 'get',
  path: '/items/{id}',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: {
    200: {
      description: 'An item',
      content: { 'application/json': { schema: z.object({ id: z.string() }) } },
    },
  },
});
app.openapi(route, async (c) => {
  await verifyToken(c.req.header('Authorization') ?? '', { jwtKey: c.env.CLERK_JWT_KEY });
  const db = drizzle({ client: neon(c.env.DATABASE_URL) });
  const { rows } = await db.execute<{ id: string }>(sql`select ${c.req.valid('param').id} as id`);
  return c.json({ id: rows[0]?.id ?? '' }, 200);
});
app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'floor', version: '0' } });

export default app;
