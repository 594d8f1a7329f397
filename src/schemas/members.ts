import { z } from '@hono/zod-openapi';
import { ASSIGNABLE_ROLES } from '../domain/roles';
import { ClerkUserId, Timestamp, WorkshopIdParams } from './common';

export const MemberSchema = z
  .object({
    clerkUserId: z.string().openapi({ example: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC' }),
    role: z.string().openapi({ example: 'editor' }),
    createdAt: Timestamp,
  })
  .openapi('Member');

export type Member = z.infer<typeof MemberSchema>;

export const MemberListSchema = z.object({ items: z.array(MemberSchema) }).openapi('MemberList');

export const PutMemberSchema = z.strictObject({ role: z.enum(ASSIGNABLE_ROLES) }).openapi('PutMember');

export const MemberParams = WorkshopIdParams.extend({
  clerkUserId: ClerkUserId.openapi({ param: { name: 'clerkUserId', in: 'path' } }),
});
