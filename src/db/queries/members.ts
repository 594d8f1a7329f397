import { sql } from 'drizzle-orm';
import { MAX_MEMBERS_PER_WORKSHOP } from '../../domain/storage-limits';
import type { Member } from '../../schemas/members';
import type { Database } from '../client';
import { accessCte, callerRole, isOwner } from './access';
import { isoTime, jsonObject } from './json-shape';
import { ownedWorkshopCount, ownershipLock } from './ownership';

/** A membership row `m` as answers show it (`Member`). */
const memberJson = (m: string) =>
  sql.raw(
    jsonObject<Member>({
      clerkUserId: `${m}.clerk_user_id`,
      role: `${m}.role`,
      createdAt: isoTime(`${m}.created_at`),
    }),
  );

const lockMembers = (workshopId: string) =>
  sql`select pg_advisory_xact_lock(hashtextextended(${`workshop-members:${workshopId}`}, 0))`;

/**
 * Every write that moves a workshop locks its row, then (through its trigger) its membership rows. A
 * membership change takes them in the same order, so the two queue up instead of deadlocking.
 */
const lockWorkshopRow = (workshopId: string) =>
  sql`select 1 from workshops where id = ${workshopId} for no key update`;

export async function listMembers(
  db: Database,
  params: { userId: string; workshopId: string },
): Promise<Member[]> {
  const { rows } = await db.execute<{ member: Member }>(sql`
    select ${memberJson('m')} as member from workshop_members m
    where m.workshop_id = ${params.workshopId}
      and exists (select 1 from workshop_members c where c.workshop_id = ${params.workshopId} and c.clerk_user_id = ${params.userId})
    order by m.created_at, m.clerk_user_id`);
  return rows.map((row) => row.member);
}

export interface PutMemberParams {
  userId: string;
  workshopId: string;
  memberUserId: string;
  role: string;
  newMemberId: string;
  /** The most workshops anyone may be made owner of by someone else (see `ownershipHandoverLimit`). */
  ownerLimit: number;
}

/** Why an owner's change was refused, when it was. */
export type MemberRefusal = 'last_owner' | 'member_limit' | 'owner_limit';

export interface MemberChange {
  /** The caller's role; null for a non-member. */
  role: string | null;
  previousRole: string | null;
  /** The member as written; null when the change was refused. */
  member: Member | null;
  /** The user became a member (rather than changing role). */
  added: boolean;
  refusal: MemberRefusal | null;
  /** Members of the workshop and workshops the member owns, both before the change. */
  counts: { members: number; memberOwns: number };
}

/**
 * The members lock serialises membership changes per workshop, so two owners demoting each other at once
 * cannot leave it with none, and the member count is exact. Making someone an owner also takes their
 * ownership lock, the one a create takes, so their owned count is exact too.
 */
export async function putMember(db: Database, params: PutMemberParams): Promise<MemberChange> {
  const { workshopId } = params;
  const [, , , result] = await db.batch([
    db.execute(lockMembers(workshopId)),
    db.execute(lockWorkshopRow(workshopId)),
    db.execute(params.role === 'owner' ? ownershipLock(params.memberUserId) : sql`select 1`),
    db.execute<{
      role: string | null;
      previous_role: string | null;
      member: Member | null;
      added: boolean;
      refusal: MemberRefusal | null;
      members: number;
      member_owns: number;
    }>(sql`
      with ${accessCte(params)}, existing as (
        select role from workshop_members where workshop_id = ${workshopId} and clerk_user_id = ${params.memberUserId}
      ), counts as (
        select (select count(*)::int from workshop_members where workshop_id = ${workshopId}) as members,
          (select count(*)::int from workshop_members where workshop_id = ${workshopId} and role = 'owner') as owners,
          ${ownedWorkshopCount(params.memberUserId)} as member_owns
      ), refusal as (
        select case
          when (select role from existing) is not distinct from 'owner' and ${params.role} <> 'owner'
            and (select owners from counts) <= 1 then 'last_owner'
          when not exists (select 1 from existing)
            and (select members from counts) >= ${MAX_MEMBERS_PER_WORKSHOP} then 'member_limit'
          when ${params.role} = 'owner' and (select role from existing) is distinct from 'owner'
            and (select member_owns from counts) >= ${params.ownerLimit} then 'owner_limit'
        end as reason
      ), upserted as (
        insert into workshop_members (id, workshop_id, clerk_user_id, role)
        select ${params.newMemberId}, ${workshopId}, ${params.memberUserId}, ${params.role}
        where ${isOwner} and (select reason from refusal) is null
        on conflict (workshop_id, clerk_user_id) do update set role = excluded.role
        returning *, (xmax = 0) as added
      ), touched as (
        update workshops set updated_at = now() where id = ${workshopId} and exists (select 1 from upserted)
      )
      select ${callerRole} as role, (select role from existing) as previous_role,
        (select ${memberJson('u')} from upserted u) as member, coalesce((select added from upserted), false) as added,
        (select reason from refusal) as refusal,
        (select members from counts) as members, (select member_owns from counts) as member_owns`),
  ]);
  const row = result.rows[0];
  return {
    role: row?.role ?? null,
    previousRole: row?.previous_role ?? null,
    member: row?.member ?? null,
    added: row?.added ?? false,
    refusal: row?.refusal ?? null,
    counts: { members: row?.members ?? 0, memberOwns: row?.member_owns ?? 0 },
  };
}

export interface MemberRemoval {
  /** The caller's role; null for a non-member. */
  role: string | null;
  targetRole: string | null;
  /** The membership was deleted. */
  changed: boolean;
}

/** An owner may remove anyone, a member may remove themself; the last owner stays. */
export async function removeMember(
  db: Database,
  params: { userId: string; workshopId: string; memberUserId: string },
): Promise<MemberRemoval> {
  const { workshopId } = params;
  const [, , result] = await db.batch([
    db.execute(lockMembers(workshopId)),
    db.execute(lockWorkshopRow(workshopId)),
    db.execute<{ role: string | null; target_role: string | null; changed: boolean }>(sql`
      with ${accessCte(params)}, target as (
        select role from workshop_members where workshop_id = ${workshopId} and clerk_user_id = ${params.memberUserId}
      ), removed as (
        delete from workshop_members
        where workshop_id = ${workshopId} and clerk_user_id = ${params.memberUserId}
          and (${isOwner} or ${params.memberUserId} = ${params.userId})
          and not (
            (select role from target) is not distinct from 'owner'
            and (select count(*) from workshop_members where workshop_id = ${workshopId} and role = 'owner') <= 1
          )
        returning 1
      ), touched as (
        update workshops set updated_at = now() where id = ${workshopId} and exists (select 1 from removed)
      )
      select ${callerRole} as role, (select role from target) as target_role,
        exists (select 1 from removed) as changed`),
  ]);
  const row = result.rows[0];
  return {
    role: row?.role ?? null,
    targetRole: row?.target_role ?? null,
    changed: row?.changed ?? false,
  };
}
