import { z } from '@hono/zod-openapi';
import { ClerkUserId, userText } from './common';

export const USER_DELETED = 'user.deleted' as const;

/** What Clerk sends for every event; only `type` and `data` are read, the rest is allowed and ignored. */
export const ClerkWebhookEventSchema = z
  .looseObject({
    type: userText(128).openapi({ example: USER_DELETED }),
    object: userText(32).optional().openapi({ example: 'event' }),
    data: z.looseObject({}).openapi({ example: { id: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC', deleted: true } }),
  })
  .openapi('ClerkWebhookEvent', {
    description:
      "A Clerk webhook event, as Clerk (through Svix) delivers it: the body Svix's signature covers.",
  });

/** `data` of `user.deleted`: the deleted user's Clerk id. */
export const UserDeletedDataSchema = z.looseObject({ id: ClerkUserId });

const ErasureCountsSchema = z
  .object({
    workshops: z
      .number()
      .int()
      .openapi({ description: 'Workshops nobody else owned, deleted with everything in them' }),
    memberships: z
      .number()
      .int()
      .openapi({ description: 'Memberships of workshops that stay with their other owners' }),
    reassignedWorkshops: z.number().int().openapi({
      description:
        'Workshops the user created that stay: they now name the longest-standing remaining owner as creator',
    }),
    idempotencyKeys: z
      .number()
      .int()
      .openapi({ description: 'Remembered Idempotency-Key outcomes of the user' }),
  })
  .openapi('AccountErasureCounts');

export const WebhookReceiptSchema = z
  .union([
    z.object({
      received: z.literal(true),
      type: z.literal(USER_DELETED),
      deleted: ErasureCountsSchema,
    }),
    z.object({
      received: z.literal(true),
      type: z.string().openapi({ example: 'user.created' }),
      ignored: z.literal(true),
    }),
  ])
  .openapi('WebhookReceipt', {
    description:
      'Accepted. `deleted` counts what this delivery removed: a repeated or late delivery counts zeros. ' +
      'Event types this API does not act on are acknowledged with `ignored: true`.',
  });
