import { sql } from 'drizzle-orm';
import { MAX_BUILD_PACKS_PER_WORKSHOP } from '../../domain/storage-limits';
import type { BuildPackFormat } from '../../domain/vocabulary';
import type { BuildPack } from '../../schemas/build-packs';
import type { SharedStep, SharedWorkshop } from '../../schemas/shares';
import type { Database } from '../client';
import { accessCte, callerRole, isEditor, isMember, type WorkshopScope } from './access';
import {
  type IdempotencyBudget,
  type IdempotencyRecord,
  type IdempotencyRequest,
  idempotencyStatements,
  keyLimitRefusal,
  type Replay,
} from './idempotency';
import { isoTime, jsonObject } from './json-shape';
import { sharedStepsOfWorkshop } from './step-fields';
import { progressLateral } from './workshop-view';

/** A build pack as answers show it, but for `contentUrl`: where it renders is for the HTTP layer to say. */
export type BuildPackRecord = Omit<BuildPack, 'contentUrl'>;

/** A build pack row `b` as a `BuildPackRecord`. */
const packJson = (b: string) =>
  sql.raw(
    jsonObject<BuildPackRecord>({
      id: `${b}.id`,
      workshopId: `${b}.workshop_id`,
      title: `${b}.title`,
      format: `${b}.format_type`,
      createdAt: isoTime(`${b}.created_at`),
      updatedAt: isoTime(`${b}.updated_at`),
    }),
  );

export type CreatePackResult = {
  role: string | null;
  pack: BuildPackRecord | null;
  /** How many packs the workshop held before this request (read under the workshop's pack lock). */
  packCount: number;
  /** Set when the Idempotency-Key was seen before: the first request's record and its pack. */
  replay?: Replay<BuildPackRecord>;
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
    db.execute<{ role: string | null; pack: BuildPackRecord | null; pack_count: number }>(sql`
      with ${accessCte(params)}, existing as (
        select count(*)::int as count from build_packs where workshop_id = ${params.workshopId}
      ), created as (
        insert into build_packs (id, workshop_id, title, format_type)
        select ${params.packId}, w.id, coalesce(${params.title}, w.title || ' — build pack'), ${params.format}
        from workshops w
        where w.id = ${params.workshopId} and ${isEditor}
          and (select count from existing) < ${MAX_BUILD_PACKS_PER_WORKSHOP}
          and ${idempotency.accepts}
        returning *
      )
      select ${callerRole} as role, (select ${packJson('c')} from created c) as pack,
        (select count from existing) as pack_count`),
    db.execute(sql`${idempotency.remember(sql`201`, sql`${params.packId}::text`, sql`null`)} and ${created}
      returning resource_id`),
    db.execute<IdempotencyRecord>(idempotency.recall),
    db.execute<{ pack: BuildPackRecord }>(sql`select ${packJson('b')} as pack from build_packs b
      where b.id = (${idempotency.recallResourceId}) and b.workshop_id = ${params.workshopId}`),
  ]);
  const role = creation.rows[0]?.role ?? null;
  const pack = creation.rows[0]?.pack ?? null;
  const packCount = creation.rows[0]?.pack_count ?? 0;
  const record = recalled.rows[0];
  if (pack) return { role, pack, packCount };
  if (record && remembered.rows.length === 0) {
    return { role, pack: null, packCount, replay: { record, resource: original.rows[0]?.pack ?? null } };
  }
  const refusal = keyLimitRefusal(params.idempotency, budget.rows[0], record);
  return refusal ? { role, pack: null, packCount, keyLimit: refusal } : { role, pack: null, packCount };
}

export async function listBuildPacks(
  db: Database,
  scope: WorkshopScope,
): Promise<BuildPackRecord[] | undefined> {
  const { rows } = await db.execute<{ member: boolean; packs: BuildPackRecord[] | null }>(sql`
    with ${accessCte(scope)}
    select ${isMember} as member,
      (select json_agg(${packJson('b')} order by b.created_at desc, b.id desc) from build_packs b
       where b.workshop_id = ${scope.workshopId} and ${isMember}) as packs`);
  return rows[0]?.member ? (rows[0].packs ?? []) : undefined;
}

export async function findBuildPack(
  db: Database,
  scope: WorkshopScope & { packId: string },
): Promise<BuildPackRecord | undefined> {
  const { rows } = await db.execute<{ pack: BuildPackRecord }>(sql`
    select ${packJson('b')} as pack from build_packs b
    join workshop_members m on m.workshop_id = b.workshop_id and m.clerk_user_id = ${scope.userId}
    where b.id = ${scope.packId} and b.workshop_id = ${scope.workshopId}`);
  return rows[0]?.pack;
}

export async function deleteBuildPack(
  db: Database,
  scope: WorkshopScope & { packId: string },
): Promise<{ role: string | null; exists: boolean; changed: boolean }> {
  const { rows } = await db.execute<{ role: string | null; exists: boolean; changed: boolean }>(sql`
    with ${accessCte(scope)}, removed as (
      delete from build_packs
      where id = ${scope.packId} and workshop_id = ${scope.workshopId}
        and ${isEditor}
      returning id
    )
    select ${callerRole} as role,
      exists (select 1 from build_packs where id = ${scope.packId} and workshop_id = ${scope.workshopId}) as exists,
      exists (select 1 from removed) as changed`);
  return {
    role: rows[0]?.role ?? null,
    exists: rows[0]?.exists ?? false,
    changed: rows[0]?.changed ?? false,
  };
}

/** The workshop's progress as every answer counts it (`progressLateral`), with the skipped steps among the complete ones. */
export type PackProgress = { completed: number; skipped: number; total: number };

/** What a build pack renders from: the pack, its workshop and its steps with their outputs. */
export type PackContentRow = {
  pack: BuildPackRecord;
  progress: PackProgress;
  workshop: Pick<SharedWorkshop, 'title' | 'originalIdea' | 'status' | 'createdAt' | 'updatedAt'> & {
    id: string;
  };
  steps: SharedStep[];
};

/** Everything a build pack is rendered from, read now: the pack, its workshop and the current step outputs. */
export async function findBuildPackSource(
  db: Database,
  scope: WorkshopScope & { packId: string },
): Promise<PackContentRow | undefined> {
  const workshop = jsonObject<PackContentRow['workshop']>({
    id: 'w.id',
    title: 'w.title',
    originalIdea: 'w.original_idea',
    status: 'w.status',
    createdAt: isoTime('w.created_at'),
    updatedAt: isoTime('w.updated_at'),
  });
  const progress = jsonObject<PackProgress>({
    completed: 'progress.completed',
    skipped: 'progress.skipped',
    total: 'progress.total',
  });
  const { rows } = await db.execute<PackContentRow>(sql`
    select ${packJson('b')} as pack, ${sql.raw(workshop)} as workshop, ${sql.raw(progress)} as progress,
      ${sql.raw(sharedStepsOfWorkshop())} as steps
    from build_packs b
    join workshops w on w.id = b.workshop_id
    join workshop_members m on m.workshop_id = w.id and m.clerk_user_id = ${scope.userId}
    ${progressLateral}
    where b.id = ${scope.packId} and b.workshop_id = ${scope.workshopId}`);
  return rows[0];
}
