import { eraseAccount } from '../db/queries/account-erasure';
import { ApiError } from '../http/api-error';
import { createRouter, toFieldErrors } from '../http/create-router';
import { requestDb } from '../middleware/database';
import { writeLog } from '../middleware/request-log';
import { jsonRequestBody, jsonResponse, problemResponses } from '../schemas/common';
import {
  ClerkWebhookEventSchema,
  USER_DELETED,
  UserDeletedDataSchema,
  WebhookReceiptSchema,
} from '../schemas/webhooks';
import { clerkWebhookRoute } from './route-kinds';

const problems = problemResponses(400, 413, 415);

const clerkRoute = clerkWebhookRoute({
  method: 'post',
  path: '/webhooks/clerk',
  operationId: 'receiveClerkWebhook',
  tags: ['webhooks'],
  summary: "Clerk's webhooks: a deleted user's data is erased",
  description:
    '`user.deleted`: the workshops the user owned alone are deleted with everything in them (steps, ' +
    'sessions, build packs, share link); their memberships of other workshops are removed, and a workshop ' +
    'they created that has another owner stays with that owner; their remembered Idempotency-Key outcomes ' +
    'go. One transaction. Repeated and late deliveries answer 200 and change nothing further; other event ' +
    'types answer 200 and are ignored. Point Clerk (Dashboard → Webhooks → Add endpoint) at this URL and ' +
    'subscribe to `user.deleted`.',
  request: { body: jsonRequestBody(ClerkWebhookEventSchema) },
  responses: {
    200: jsonResponse(WebhookReceiptSchema, 'Received'),
    ...problems,
    503: {
      ...problems[503],
      description:
        'No signing secret is configured (`webhooks_not_configured`), or the database is unavailable',
    },
  },
});

export const webhookRoutes = createRouter().openapi(clerkRoute, async (c) => {
  const event = c.req.valid('json');
  if (event.type !== USER_DELETED) {
    writeLog(c.get('config'), 'debug', {
      requestId: c.get('requestId'),
      event: 'webhook_ignored',
      type: event.type,
    });
    return c.json({ received: true as const, type: event.type, ignored: true as const }, 200);
  }
  const data = UserDeletedDataSchema.safeParse(event.data);
  if (!data.success) {
    throw new ApiError('validation_failed', 'A user.deleted event names the deleted user in data.id.', {
      errors: toFieldErrors(data.error).map((error) => ({ ...error, path: `data.${error.path}` })),
    });
  }
  const deleted = await eraseAccount(requestDb(c), data.data.id);
  // Counts only: the erased person's id does not belong in logs kept after their erasure.
  writeLog(c.get('config'), 'info', {
    requestId: c.get('requestId'),
    event: 'account_erased',
    deleted,
  });
  return c.json({ received: true as const, type: USER_DELETED, deleted }, 200);
});
