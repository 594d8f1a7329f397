import { endSession, listSessions } from '../db/queries/sessions';
import { notFound } from '../http/api-error';
import { createRouter } from '../http/create-router';
import { requestDb } from '../middleware/database';
import { jsonResponse, problemResponses, WorkshopIdParams } from '../schemas/common';
import { EndedSessionSchema, ListSessionsQuery, SessionListSchema, SessionParams } from '../schemas/sessions';
import { callerScope, requireRole } from './access';
import { authenticatedRoute } from './route-kinds';

const listRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/sessions',
  operationId: 'listSessions',
  description: 'Members of any role. Only sessions in which something meaningful happened exist.',
  tags: ['sessions'],
  summary: 'Persisted sessions (periods of meaningful work), newest first',
  request: { params: WorkshopIdParams, query: ListSessionsQuery },
  responses: {
    200: jsonResponse(SessionListSchema, 'Sessions'),
    ...problemResponses(400, 401, 404),
  },
});

const endRoute = authenticatedRoute({
  method: 'post',
  path: '/workshops/{workshopId}/sessions/{sessionId}/end',
  operationId: 'endSession',
  description:
    'Members of any role. Ending twice is harmless; a session that was never written stays unwritten (`persisted: false`).',
  tags: ['sessions'],
  summary: 'End a session (idempotent); a session that was never persisted stays unwritten',
  request: { params: SessionParams },
  responses: {
    200: jsonResponse(EndedSessionSchema, 'Ended, or nothing to end'),
    ...problemResponses(401, 404, 413),
  },
});

export const sessionRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { workshopId } = c.req.valid('param');
    const result = await listSessions(
      requestDb(c),
      callerScope(c, { workshopId, limit: c.req.valid('query').limit }),
    );
    requireRole(result.role, { resource: 'workshop', needs: 'member' });
    return c.json({ items: result.sessions }, 200);
  })
  .openapi(endRoute, async (c) => {
    const { workshopId, sessionId } = c.req.valid('param');
    const result = await endSession(requestDb(c), callerScope(c, { workshopId, sessionId }));
    requireRole(result.role, { resource: 'session', needs: 'member' });
    if (result.otherWorkshop) throw notFound('session');
    if (!result.session)
      return c.json({ id: sessionId, persisted: false, startedAt: null, endedAt: null }, 200);
    const { id, startedAt, endedAt } = result.session;
    return c.json({ id, persisted: true, startedAt, endedAt }, 200);
  });
