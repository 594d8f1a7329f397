import { countOwnedWorkshops } from '../db/queries/workshops';
import { createRouter } from '../http/create-router';
import { requestDb } from '../middleware/database';
import { jsonResponse, problemResponses } from '../schemas/common';
import { MeSchema } from '../schemas/workshops';
import { authenticatedRoute } from './route-kinds';

const meRoute = authenticatedRoute({
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  description:
    'Any signed-in caller. The plan comes from the verified token only; the cap from `WORKSHOP_CAPS`.',
  tags: ['me'],
  summary: 'The caller: user id, plan, workshop cap and how many workshops they own',
  responses: {
    200: jsonResponse(MeSchema, 'The caller'),
    ...problemResponses(401),
  },
});

export const meRoutes = createRouter().openapi(meRoute, async (c) => {
  const caller = c.get('caller');
  const workshopCount = await countOwnedWorkshops(requestDb(c), caller.userId);
  return c.json(
    {
      userId: caller.userId,
      plan: caller.plan,
      workshopCap: c.get('config').WORKSHOP_CAPS[caller.plan] ?? 0,
      workshopCount,
    },
    200,
  );
});
