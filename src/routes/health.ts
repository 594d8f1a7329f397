import { z } from '@hono/zod-openapi';
import { classifyDatabaseFailure } from '../db/errors';
import { EXPECTED_MIGRATIONS, readMigrationStatus } from '../db/migrations';
import { createRouter } from '../http/create-router';
import { requestDb } from '../middleware/database';
import { jsonResponse, serverErrorResponse } from '../schemas/common';
import { publicRoute } from './route-kinds';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({
      database: z.object({
        status: z.enum(['up', 'down']),
        latencyMs: z.number(),
        error: z.string().optional(),
      }),
      migrations: z.object({
        status: z.enum(['applied', 'pending', 'unknown']),
        applied: z.number().int().optional(),
        expected: z.number().int(),
        pending: z.array(z.string()).optional(),
      }),
    }),
  })
  .openapi('Health');

const LiveSchema = z.object({ status: z.literal('ok') }).openapi('Liveness');

const readinessRoute = publicRoute(
  {
    method: 'get',
    path: '/health',
    operationId: 'getReadiness',
    description:
      '200 when the database answers within `HEALTH_TIMEOUT_MS` and every migration is applied; 503 with the same body, saying which check failed, otherwise. Never cached.',
    tags: ['health'],
    summary: 'Readiness: the database answers within a bounded time and every migration is applied',
    responses: {
      200: jsonResponse(HealthSchema, 'Ready'),
      503: jsonResponse(HealthSchema, 'Not ready'),
      ...serverErrorResponse,
    },
  },
  { database: { timeout: 'HEALTH_TIMEOUT_MS', retry: 'never' } },
);

const livenessRoute = publicRoute({
  method: 'get',
  path: '/health/live',
  operationId: 'getLiveness',
  description:
    'Answers 200 as long as the process runs, even when its configuration is invalid. Touches no database.',
  tags: ['health'],
  summary: 'Liveness: the process is up; touches nothing',
  responses: { 200: jsonResponse(LiveSchema, 'Alive') },
});

export const healthRoutes = createRouter()
  .openapi(readinessRoute, async (c) => {
    c.header('Cache-Control', 'no-store');
    const db = requestDb(c);
    const started = performance.now();
    try {
      const migrations = await readMigrationStatus(db);
      const latencyMs = Math.round(performance.now() - started);
      const ready = migrations.pending.length === 0;
      const body = {
        status: ready ? ('ok' as const) : ('unavailable' as const),
        checks: {
          database: { status: 'up' as const, latencyMs },
          migrations: { status: ready ? ('applied' as const) : ('pending' as const), ...migrations },
        },
      };
      return ready ? c.json(body, 200) : c.json(body, 503);
    } catch {
      const latencyMs = Math.round(performance.now() - started);
      const failure = classifyDatabaseFailure(c.get('dbRoundTrips'));
      // A missing migrations table means the database is up but was never migrated.
      const neverMigrated = failure?.sqlState === '42P01';
      return c.json(
        {
          status: 'unavailable' as const,
          checks: {
            database: neverMigrated
              ? { status: 'up' as const, latencyMs }
              : {
                  status: 'down' as const,
                  latencyMs,
                  error: failure?.kind === 'unavailable' ? 'unreachable or timed out' : 'unexpected error',
                },
            migrations: neverMigrated
              ? {
                  status: 'pending' as const,
                  applied: 0,
                  expected: EXPECTED_MIGRATIONS.length,
                  pending: EXPECTED_MIGRATIONS.map((migration) => migration.tag),
                }
              : { status: 'unknown' as const, expected: EXPECTED_MIGRATIONS.length },
          },
        },
        503,
      );
    }
  })
  .openapi(livenessRoute, (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const }, 200);
  });
