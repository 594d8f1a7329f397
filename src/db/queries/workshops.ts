import { type SQL, sql } from 'drizzle-orm';
import { STEP_DEFINITIONS } from '../../domain/step-catalogue';
import type { WorkshopStatus } from '../../domain/vocabulary';
import type { Workshop, WorkshopDetail } from '../../schemas/workshops';
import type { Database } from '../client';
import {
  type IdempotencyBudget,
  type IdempotencyRecord,
  type IdempotencyRequest,
  idempotencyStatements,
  keyLimitRefusal,
  type Replay,
} from './idempotency';
import { ownedWorkshopCount, ownershipLock } from './ownership';
import { newestStepDefinition, progressLateral, workshopDetailJson, workshopJson } from './workshop-view';

/** A workshop as its member sees it, and the newest step definition it shows, for its ETag. */
export type FoundWorkshop = { workshop: WorkshopDetail; newestDefinitionAt: string | null };

function detailQuery(userId: string, workshopId: string | SQL): SQL {
  return sql`select ${workshopDetailJson('m.role')} as workshop, ${newestStepDefinition} as "newestDefinitionAt"
    from workshops w
    join workshop_members m on m.workshop_id = w.id and m.clerk_user_id = ${userId}
    ${progressLateral}
    where w.id = ${workshopId}`;
}

/** The workshop as its member sees it; undefined for a non-member and for a missing id alike. */
export async function findWorkshopForMember(
  db: Database,
  params: { userId: string; workshopId: string },
): Promise<FoundWorkshop | undefined> {
  const { rows } = await db.execute<FoundWorkshop>(detailQuery(params.userId, params.workshopId));
  return rows[0];
}

export interface ListParams {
  userId: string;
  status?: WorkshopStatus | undefined;
  limit: number;
  after?: { updatedAt: string; id: string } | undefined;
}

/**
 * Newest activity first: step activity and membership changes touch the workshop's `updated_at`. The page is
 * taken from the caller's memberships alone, which carry the workshop's `updated_at` and `status` (kept equal
 * by triggers) in an index of the list's order, so a page reads its own rows and then, for those rows only,
 * the workshops and their progress.
 */
export function workshopListQuery(params: ListParams): SQL {
  const { after, status } = params;
  const statusFilter = status ? sql`and m.workshop_status = ${status}` : sql``;
  const afterCursor = after
    ? sql`and (m.workshop_updated_at, m.workshop_id) < (${after.updatedAt}::timestamptz, ${after.id}::text)`
    : sql``;
  return sql`select ${workshopJson('m.role')} as workshop
    from (
      select m.workshop_id, m.role, m.workshop_updated_at from workshop_members m
      where m.clerk_user_id = ${params.userId} ${statusFilter} ${afterCursor}
      order by m.workshop_updated_at desc, m.workshop_id desc
      limit ${params.limit + 1}
    ) m
    join workshops w on w.id = m.workshop_id
    ${progressLateral}
    order by m.workshop_updated_at desc, m.workshop_id desc`;
}

export async function listWorkshopsForMember(db: Database, params: ListParams): Promise<Workshop[]> {
  const { rows } = await db.execute<{ workshop: Workshop }>(workshopListQuery(params));
  return rows.map((row) => row.workshop);
}

/** What the plan cap counts: workshops the user currently owns. */
export async function countOwnedWorkshops(db: Database, userId: string): Promise<number> {
  const { rows } = await db.execute<{ count: number }>(sql`select ${ownedWorkshopCount(userId)} as count`);
  return rows[0]?.count ?? 0;
}

export interface CreateParams {
  workshopId: string;
  memberId: string;
  stepIds: readonly string[];
  userId: string;
  cap: number;
  title: string;
  originalIdea: string;
  templateId: string | null;
  orgId: string | null;
  plan: string;
  idempotency?: IdempotencyRequest | undefined;
}

export type CreateResult =
  | { outcome: 'created'; workshop: FoundWorkshop }
  | { outcome: 'cap_reached'; owned: number }
  | { outcome: 'key_limit_reached'; retryAt: Date }
  | { outcome: 'replayed'; replay: Replay<FoundWorkshop> };

/**
 * One batch, so one round trip and one transaction: the per-user ownership lock comes first, so under READ
 * COMMITTED the cap check sees every ownership committed before it, and concurrent creates queue up. The
 * owned count is read once, by the statement that inserts (and remembers the outcome of an idempotent create).
 */
export async function createWorkshop(db: Database, params: CreateParams): Promise<CreateResult> {
  const { workshopId, userId } = params;
  const idempotency = idempotencyStatements(userId, params.idempotency);
  const stepRows = sql.join(
    STEP_DEFINITIONS.map((definition, index) => sql`(${params.stepIds[index]}, ${definition.id})`),
    sql`, `,
  );
  const created = sql.raw('exists (select 1 from new_workshop)');
  const owned = sql.raw('(select count from owned)');
  const remembered = params.idempotency
    ? sql`, remembered as (${idempotency.remember(
        sql`case when ${created} then 201 else 403 end`,
        sql`case when ${created} then ${workshopId} end`,
        sql`case when ${created} then null
          else jsonb_build_object('cap', ${params.cap}::int, 'plan', ${params.plan}::text, 'count', ${owned}) end`,
      )} returning 1)`
    : sql``;
  // Workshop, owner and ten steps in one statement; the rows become visible to the next statement.
  const insertAll = db.execute<{ owned: number; remembered: boolean }>(sql`
    with owned as (select ${ownedWorkshopCount(userId)} as count), new_workshop as (
      insert into workshops (id, title, original_idea, clerk_user_id, template_id, org_id)
      select ${workshopId}, ${params.title}, ${params.originalIdea}, ${userId}, ${params.templateId}, ${params.orgId}
      where ${owned} < ${params.cap} and ${idempotency.accepts}
      returning id
    ), owner as (
      insert into workshop_members (id, workshop_id, clerk_user_id, role)
      select ${params.memberId}, id, ${userId}, 'owner' from new_workshop
    ), steps as (
      insert into workshop_steps (id, workshop_id, step_id)
      select v.id, w.id, v.step_id from new_workshop w, (values ${stepRows}) as v(id, step_id)
    )${remembered}
    select ${owned} as owned, ${params.idempotency ? sql.raw('exists (select 1 from remembered)') : sql.raw('false')} as remembered`);
  const detail = db.execute<FoundWorkshop>(detailQuery(userId, workshopId));
  const capLock = db.execute(ownershipLock(userId));

  if (!params.idempotency) {
    const [, inserted, createdRow] = await db.batch([capLock, insertAll, detail]);
    const workshop = createdRow.rows[0];
    return workshop
      ? { outcome: 'created', workshop }
      : { outcome: 'cap_reached', owned: inserted.rows[0]?.owned ?? 0 };
  }

  const [budget, , inserted, createdRow, recalled, original] = await db.batch([
    db.execute<IdempotencyBudget>(idempotency.lock),
    capLock,
    insertAll,
    detail,
    db.execute<IdempotencyRecord>(idempotency.recall),
    db.execute<FoundWorkshop>(detailQuery(userId, sql`(${idempotency.recallResourceId})`)),
  ]);
  const workshop = createdRow.rows[0];
  if (workshop) return { outcome: 'created', workshop };
  const record = recalled.rows[0];
  const refusal = keyLimitRefusal(params.idempotency, budget.rows[0], record);
  if (refusal) return { outcome: 'key_limit_reached', retryAt: refusal.retryAt };
  if (record && !inserted.rows[0]?.remembered)
    return { outcome: 'replayed', replay: { record, resource: original.rows[0] ?? null } };
  return { outcome: 'cap_reached', owned: inserted.rows[0]?.owned ?? 0 };
}

export interface UpdateParams {
  userId: string;
  workshopId: string;
  title?: string | undefined;
  originalIdea?: string | undefined;
  status?: WorkshopStatus | undefined;
  /** Statuses from which `status` may be reached; ignored when no status is asked for. */
  allowedFrom: readonly WorkshopStatus[];
  /** From If-Match: the version the client last saw; undefined when the header was absent or `*`. */
  expectedVersion?: Date | undefined;
}

export interface UpdateResult {
  role: string | null;
  previousStatus: WorkshopStatus | null;
  changed: boolean;
  /** The workshop after the statement, changed or not; undefined for a non-member. */
  workshop: FoundWorkshop | undefined;
}

/** Access, version and transition are checked by the same statement that writes, so nothing can slip between. */
export async function updateWorkshop(db: Database, params: UpdateParams): Promise<UpdateResult> {
  const expected = params.expectedVersion?.toISOString() ?? null;
  const status = params.status ?? null;
  const allowedFrom = `{${params.allowedFrom.join(',')}}`;
  const [outcome, detail] = await db.batch([
    db.execute<{ role: string; previous_status: WorkshopStatus; changed: boolean }>(sql`
    with target as (
      select w.id, w.status, w.updated_at, m.role
      from workshops w join workshop_members m on m.workshop_id = w.id and m.clerk_user_id = ${params.userId}
      where w.id = ${params.workshopId}
    ), changed as (
      update workshops w set
        title = coalesce(${params.title ?? null}, w.title),
        original_idea = coalesce(${params.originalIdea ?? null}, w.original_idea),
        status = coalesce(${status}, w.status)
      from target t
      where w.id = t.id
        and t.role in ('owner', 'editor')
        and (${expected}::timestamptz is null or w.updated_at = ${expected}::timestamptz)
        and (${status}::text is null or t.status = ${status} or t.status = any(${allowedFrom}::text[]))
      returning w.id
    )
    select t.role, t.status as previous_status, exists (select 1 from changed) as changed from target t`),
    db.execute<FoundWorkshop>(detailQuery(params.userId, params.workshopId)),
  ]);
  const row = outcome.rows[0];
  return {
    role: row?.role ?? null,
    previousStatus: row?.previous_status ?? null,
    changed: row?.changed ?? false,
    workshop: detail.rows[0],
  };
}

export type DeletionCounts = {
  steps: number;
  sessions: number;
  buildPacks: number;
  members: number;
};

export async function findDeletionImpact(
  db: Database,
  params: { userId: string; workshopId: string },
): Promise<{ role: string; counts: DeletionCounts } | undefined> {
  const { rows } = await db.execute<{ role: string } & DeletionCounts>(sql`
    select m.role,
      (select count(*)::int from workshop_steps where workshop_id = w.id) as steps,
      (select count(*)::int from sessions where workshop_id = w.id) as sessions,
      (select count(*)::int from build_packs where workshop_id = w.id) as "buildPacks",
      (select count(*)::int from workshop_members where workshop_id = w.id) as members
    from workshops w join workshop_members m on m.workshop_id = w.id and m.clerk_user_id = ${params.userId}
    where w.id = ${params.workshopId}`);
  const row = rows[0];
  if (!row) return undefined;
  const { role, ...counts } = row;
  return { role, counts };
}

/** Deletes only for an owner; answers the caller's role (null for a non-member) and whether it deleted. */
export async function deleteWorkshop(
  db: Database,
  params: { userId: string; workshopId: string },
): Promise<{ role: string | null; changed: boolean }> {
  const { rows } = await db.execute<{ role: string; changed: boolean }>(sql`
    with target as (
      select m.role from workshop_members m where m.workshop_id = ${params.workshopId} and m.clerk_user_id = ${params.userId}
    ), removed as (
      delete from workshops w where w.id = ${params.workshopId} and exists (select 1 from target where role = 'owner')
      returning w.id
    )
    select t.role, exists (select 1 from removed) as changed from target t`);
  return { role: rows[0]?.role ?? null, changed: rows[0]?.changed ?? false };
}
