import { findSharedWorkshop, setShareToken } from '../db/queries/shares';
import { newShareToken } from '../domain/share-token';
import { createRouter } from '../http/create-router';
import { publicUrl } from '../http/public-url';
import { requestDb } from '../middleware/database';
import { jsonResponse, problemResponses, WorkshopIdParams } from '../schemas/common';
import { SharedWorkshopSchema, ShareSchema, ShareTokenParams } from '../schemas/shares';
import { callerScope, type RoleRule, requireFound, requireRole, requireWritten } from './access';
import { authenticatedRoute, publicRoute } from './route-kinds';

const shareOnRoute = authenticatedRoute({
  method: 'put',
  path: '/workshops/{workshopId}/share',
  operationId: 'shareWorkshop',
  description: 'Owners only. The token is 43 URL-safe characters; the answer is never cached.',
  tags: ['sharing'],
  summary: 'Share read-only by link; every call issues a new token, so the previous link stops working',
  request: { params: WorkshopIdParams },
  responses: {
    200: jsonResponse(ShareSchema, 'Shared'),
    ...problemResponses(401, 403, 404, 413),
  },
});

const shareOffRoute = authenticatedRoute({
  method: 'delete',
  path: '/workshops/{workshopId}/share',
  operationId: 'unshareWorkshop',
  description: 'Owners only. The workshop becomes private and its token is forgotten.',
  tags: ['sharing'],
  summary: 'Stop sharing: the link answers 404 at once',
  request: { params: WorkshopIdParams },
  responses: { 204: { description: 'Private again' }, ...problemResponses(401, 403, 404, 413) },
});

const sharedViewRoute = publicRoute({
  method: 'get',
  path: '/shared/{shareToken}',
  operationId: 'getSharedWorkshop',
  description:
    'No sign-in: the token is the credential. No member ids. An unknown or revoked token answers 404.',
  tags: ['sharing'],
  summary: 'The read-only view behind a share link (no sign-in)',
  request: { params: ShareTokenParams },
  responses: {
    200: jsonResponse(SharedWorkshopSchema, 'The shared workshop'),
    ...problemResponses(404),
  },
});

const CHANGE_SHARING: RoleRule = {
  resource: 'workshop',
  needs: 'owner',
  refusal: 'Only an owner can change sharing.',
};

export const shareRoutes = createRouter()
  .openapi(shareOnRoute, async (c) => {
    const { workshopId } = c.req.valid('param');
    const shareToken = newShareToken();
    const result = await setShareToken(requestDb(c), { ...callerScope(c, { workshopId }), shareToken });
    requireRole(result.role, CHANGE_SHARING);
    requireWritten(result.changed, 'workshop');
    c.header('Cache-Control', 'no-store');
    return c.json({ shareToken, url: publicUrl(c.get('config'), `/api/shared/${shareToken}`) }, 200);
  })
  .openapi(shareOffRoute, async (c) => {
    const { workshopId } = c.req.valid('param');
    const result = await setShareToken(requestDb(c), { ...callerScope(c, { workshopId }), shareToken: null });
    requireRole(result.role, CHANGE_SHARING);
    requireWritten(result.changed, 'workshop');
    return c.body(null, 204);
  })
  .openapi(sharedViewRoute, async (c) => {
    const shared = requireFound(
      await findSharedWorkshop(requestDb(c), c.req.valid('param').shareToken),
      'shared workshop',
    );
    // Revocation must take effect at once, so no shared cache may keep this.
    c.header('Cache-Control', 'private, no-store');
    return c.json(shared, 200);
  });
