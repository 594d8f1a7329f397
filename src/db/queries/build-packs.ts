import { sql } from 'drizzle-orm';
import { MAX_BUILD_PACKS_PER_WORKSHOP } from '../../domain/storage-limits';
import type { BuildPackFormat, WorkshopStatus } from '../../domain/vocabulary';
import type { Database } from '../client';
import { accessCte, callerRole, isEditor, isMember, type WorkshopScope } from './access';
import type { IdempotencyRequest } from './idempotency';
import {
  type IdempotencyBudget,
  type IdempotencyRecord,
  idempotencyStatements,
  keyLimitRefusal,
} from './idempotency';
import { type StepWithOutput, stepsWithOutputs } from './step-fields';

export type BuildPackRow = {
  id: string;
  workshop_id: string;
  title: string;
  format_type: BuildPackFormat;
  created_at: string;
  updated_at: string;
};

const packColumns = sql.raw('b.id, b.workshop_id, b.title, b.format_type, b.created_at, b.updated_at');

export type CreatePackResult = {
  role: string | null;
  pack: BuildPackRow | null;
  /** How many packs the workshop held before this request (read under the workshop's pack lock). */
  packCount: number;
  /** Set when the Idempotency-Key was seen before: the first request's record and its pack. */
  replay?: { record: IdempotencyRecord; pack: BuildPackRow | null };
  /** Set when a new Idempotency-Key was refused: the caller holds the most keys allowed. */
  keyLimit?: { retryAt: Date };
};

/** Serialises pack creation per workshop, so the count the limit is checked against is exact. */
const lockPacks = (workshopId: string) =>
  sql`select pg_advisory_xact_lock(hashtextextended(${`build-packs:${workshopId}`}, 0))`;

export async function createBuildPack(
  db: Database,
  params: WorkshopScope & {
    packId: string;
    title: string | null;
    format: BuildPackFormat;
    idempotency?: IdempotencyRequest | undefined;
  },
): Promise<CreatePackResult> {
  const idempotency = idempotencyStatements(params.userId, params.idempotency);
  const created = sql`exists (select 1 from build_packs where id = ${params.packId})`;
  const [budget, , creation, remembered, recalled, original] = await db.batch([
    db.execute<IdempotencyBudget>(params.idempotency ? idempotency.lock : sql`select 0 as held`),
    db.execute(lockPacks(params.workshopId)),
    db.execute<{ role: string | null; pack: BuildPackRow | null; pack_count: number }>(sql`
      with ${accessCte(params)}, existing as (
        select count(*)::int as count from build_packs where workshop_id = ${params.workshopId}
      ), created as (
        insert into build_packs (id, workshop_id, title, format_type)
        select ${params.packId}, w.id, coalesce(${params.title}, w.title || ' — build pack'), ${params.format}
        from workshops w
        where w.id = ${params.workshopId} and ${isEditor}
          and (select count from existing) < ${MAX_BUILD_PACKS_PER_WORKSHOP}
          and ${idempotency.accepts}
        returning id, workshop_id, title, format_type, created_at, updated_at
      )
      select ${callerRole} as role, (select row_to_json(created) from created) as pack,
        (select count from existing) as pack_count`),
    db.execute(sql`${idempotency.remember(sql`201`, sql`${params.packId}::text`, sql`null`)} and ${created}
      returning resource_id`),
    db.execute<IdempotencyRecord>(idempotency.recall),
    db.execute<BuildPackRow>(sql`select ${packColumns} from build_packs b
      where b.id = (${idempotency.recallResourceId}) and b.workshop_id = ${params.workshopId}`),
  ]);
  const role = creation.rows[0]?.role ?? null;
  const pack = creation.rows[0]?.pack ?? null;
  const packCount = creation.rows[0]?.pack_count ?? 0;
  const record = recalled.rows[0];
  if (pack) return { role, pack, packCount };
  if (record && remembered.rows.length === 0) {
    return { role, pack: null, packCount, replay: { record, pack: original.rows[0] ?? null } };
  }
  const refusal = keyLimitRefusal(params.idempotency, budget.rows[0], record);
  return refusal ? { role, pack: null, packCount, keyLimit: refusal } : { role, pack: null, packCount };
}

export async function listBuildPacks(
  db: Database,
  scope: WorkshopScope,
): Promise<BuildPackRow[] | undefined> {
  const { rows } = await db.execute<{ member: boolean; packs: BuildPackRow[] | null }>(sql`
    with ${accessCte(scope)}
    select ${isMember} as member,
      (select json_agg(p order by p.created_at desc, p.id desc) from (
         select ${packColumns} from build_packs b
         where b.workshop_id = ${scope.workshopId} and ${isMember}
       ) p) as packs`);
  return rows[0]?.member ? (rows[0].packs ?? []) : undefined;
}

export async function findBuildPack(
  db: Database,
  scope: WorkshopScope & { packId: string },
): Promise<BuildPackRow | undefined> {
  const { rows } = await db.execute<BuildPackRow>(sql`
    select ${packColumns} from build_packs b
    join workshop_members m on m.workshop_id = b.workshop_id and m.clerk_user_id = ${scope.userId}
    where b.id = ${scope.packId} and b.workshop_id = ${scope.workshopId}`);
  return rows[0];
}

export async function deleteBuildPack(
  db: Database,
  scope: WorkshopScope & { packId: string },
): Promise<{ role: string | null; exists: boolean; deleted: boolean }> {
  const { rows } = await db.execute<{ role: string | null; exists: boolean; deleted: boolean }>(sql`
    with ${accessCte(scope)}, removed as (
      delete from build_packs
      where id = ${scope.packId} and workshop_id = ${scope.workshopId}
        and ${isEditor}
      returning id
    )
    select ${callerRole} as role,
      exists (select 1 from build_packs where id = ${scope.packId} and workshop_id = ${scope.workshopId}) as exists,
      exists (select 1 from removed) as deleted`);
  return {
    role: rows[0]?.role ?? null,
    exists: rows[0]?.exists ?? false,
    deleted: rows[0]?.deleted ?? false,
  };
}

export type PackContentRow = BuildPackRow & {
  workshop: {
    id: string;
    title: string;
    originalIdea: string;
    status: WorkshopStatus;
    createdAt: string;
    updatedAt: string;
  };
  steps: StepWithOutput[] | null;
};

/** Everything a build pack is rendered from, read now: the pack, its workshop and the current step outputs. */
export async function findBuildPackSource(
  db: Database,
  scope: WorkshopScope & { packId: string },
): Promise<PackContentRow | undefined> {
  const { rows } = await db.execute<PackContentRow>(sql`
    select ${packColumns},
      json_build_object('id', w.id, 'title', w.title, 'originalIdea', w.original_idea, 'status', w.status,
        'createdAt', w.created_at, 'updatedAt', w.updated_at) as workshop,
      ${stepsWithOutputs} as steps
    from build_packs b
    join workshops w on w.id = b.workshop_id
    join workshop_members m on m.workshop_id = w.id and m.clerk_user_id = ${scope.userId}
    where b.id = ${scope.packId} and b.workshop_id = ${scope.workshopId}`);
  return rows[0];
}
