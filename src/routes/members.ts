import { listMembers, type MemberChange, putMember, removeMember } from '../db/queries/members';
import { newId } from '../domain/ids';
import { MAX_MEMBERS_PER_WORKSHOP, ownershipHandoverLimit } from '../domain/storage-limits';
import { ApiError, notFound } from '../http/api-error';
import { createRouter } from '../http/create-router';
import { requestDb } from '../middleware/database';
import { jsonRequestBody, jsonResponse, problemResponses, WorkshopIdParams } from '../schemas/common';
import { MemberListSchema, MemberParams, MemberSchema, PutMemberSchema } from '../schemas/members';
import { callerScope, type RoleRule, requireFound, requireRole } from './access';
import { authenticatedRoute } from './route-kinds';

const MANAGE_MEMBERS: RoleRule = {
  resource: 'workshop',
  needs: 'owner',
  refusal: 'Only an owner can manage members.',
};
const REMOVE_OTHERS: RoleRule = {
  resource: 'workshop',
  needs: 'owner',
  refusal: 'Only an owner can remove other members.',
};
const LEAVE: RoleRule = { resource: 'workshop', needs: 'member' };

const lastOwner = () =>
  new ApiError('last_owner', 'A workshop needs an owner: make someone else an owner first.');

function refused(change: MemberChange, ownerLimit: number): ApiError {
  switch (change.refusal) {
    case 'member_limit':
      return new ApiError(
        'member_limit_reached',
        `A workshop has at most ${MAX_MEMBERS_PER_WORKSHOP} members. Remove someone first.`,
        { extensions: { limit: MAX_MEMBERS_PER_WORKSHOP, count: change.counts.members } },
      );
    case 'owner_limit':
      return new ApiError(
        'owner_limit_reached',
        `This user already owns ${change.counts.memberOwns} workshop(s), the most anyone can be given (${ownerLimit}).`,
        { extensions: { limit: ownerLimit, count: change.counts.memberOwns } },
      );
    default:
      return lastOwner();
  }
}

const listRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/members',
  operationId: 'listMembers',
  description: 'Members of any role.',
  tags: ['members'],
  summary: 'Members and their roles',
  request: { params: WorkshopIdParams },
  responses: {
    200: jsonResponse(MemberListSchema, 'Members'),
    ...problemResponses(401, 404),
  },
});

const putRoute = authenticatedRoute({
  method: 'put',
  path: '/workshops/{workshopId}/members/{clerkUserId}',
  operationId: 'putMember',
  description:
    "Owners only. 201 when the user becomes a member, 200 when an existing member's role changes; 409 `last_owner` when it would leave the workshop without an owner.",
  tags: ['members'],
  summary: 'Add a member or change their role (owners only); the last owner cannot be demoted',
  request: {
    params: MemberParams,
    body: jsonRequestBody(PutMemberSchema),
  },
  responses: {
    200: jsonResponse(MemberSchema, 'Role changed'),
    201: jsonResponse(MemberSchema, 'Member added'),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415),
  },
});

const deleteRoute = authenticatedRoute({
  method: 'delete',
  path: '/workshops/{workshopId}/members/{clerkUserId}',
  operationId: 'removeMember',
  description:
    'Owners may remove anyone; any member may remove themself. 409 `last_owner` when the last owner would go.',
  tags: ['members'],
  summary: 'Remove a member (owners), or leave (the member themself); the last owner cannot leave',
  request: { params: MemberParams },
  responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404, 409, 413) },
});

export const memberRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const members = await listMembers(requestDb(c), callerScope(c, c.req.valid('param')));
    // Only a member sees the list, which then holds them: empty means not a member (or no workshop).
    if (members.length === 0) throw notFound('workshop');
    return c.json({ items: members }, 200);
  })
  .openapi(putRoute, async (c) => {
    const { workshopId, clerkUserId } = c.req.valid('param');
    const ownerLimit = ownershipHandoverLimit(c.get('config').WORKSHOP_CAPS);
    const change = await putMember(requestDb(c), {
      ...callerScope(c, { workshopId }),
      memberUserId: clerkUserId,
      role: c.req.valid('json').role,
      newMemberId: newId('member'),
      ownerLimit,
    });
    requireRole(change.role, MANAGE_MEMBERS);
    if (!change.member) throw refused(change, ownerLimit);
    return change.added ? c.json(change.member, 201) : c.json(change.member, 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { workshopId, clerkUserId } = c.req.valid('param');
    const scope = callerScope(c, { workshopId });
    const removal = await removeMember(requestDb(c), { ...scope, memberUserId: clerkUserId });
    requireRole(removal.role, clerkUserId === scope.userId ? LEAVE : REMOVE_OTHERS);
    requireFound(removal.targetRole, 'member');
    if (!removal.changed) throw lastOwner();
    return c.body(null, 204);
  });
