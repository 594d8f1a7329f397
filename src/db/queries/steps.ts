import { type SQL, sql } from 'drizzle-orm';
import type { StepCompletion } from '../../domain/vocabulary';
import type { Step, StepContext, StepWithOutput } from '../../schemas/steps';
import type { Database } from '../client';
import { accessCte, callerRole, IS_EDITOR, isEditor, isMember, type WorkshopScope } from './access';
import { jsonObject } from './json-shape';
import { chosenSessionColumn, type SessionIntent, sessionActivityCtes } from './session-activity';
import {
  type ContextStep,
  contextStepJson,
  type StepAliases,
  stepDefinitionJson,
  stepJson,
  stepWithOutputJson,
  type VersionedStep,
  versionedStepJson,
} from './step-fields';

export type { ContextStep };

/** A step with its output, and the version of its definition for the ETag. */
export type FoundStep = VersionedStep<StepWithOutput>;

const foundStep = (aliases?: StepAliases) => sql.raw(versionedStepJson(stepWithOutputJson(aliases), aliases));

export async function listSteps(db: Database, scope: WorkshopScope): Promise<Step[] | undefined> {
  const { rows } = await db.execute<{ steps: Step[] | null; member: boolean }>(sql`
    with ${accessCte(scope)}
    select ${isMember} as member,
      (select json_agg(${sql.raw(stepJson())} order by d.position)
       from workshop_steps ws join step_definitions d on d.id = ws.step_id
       where ws.workshop_id = ${scope.workshopId} and ${isMember}) as steps`);
  const row = rows[0];
  return row?.member ? (row.steps ?? []) : undefined;
}

export interface StepActivity {
  role: string | null;
  step: FoundStep | null;
  sessionId: string | null;
}

/** Reading a step is a visit: a meaningful activity, recorded in the same statement. */
export async function visitStep(
  db: Database,
  scope: WorkshopScope & { stepId: string; session: SessionIntent },
): Promise<StepActivity> {
  const target = sql`(select ${foundStep()} from workshop_steps ws join step_definitions d on d.id = ws.step_id
      where ws.workshop_id = ${scope.workshopId} and ws.step_id = ${scope.stepId} and ${isMember})`;
  const happened = sql`${target} is not null`;
  const { rows } = await db.execute<{
    role: string | null;
    step: FoundStep | null;
    session_id: string | null;
  }>(sql`
    with ${accessCte(scope)}, ${sessionActivityCtes(scope.session, scope.workshopId, happened)}
    select ${callerRole} as role, ${target} as step, ${chosenSessionColumn(happened)}`);
  const row = rows[0];
  return { role: row?.role ?? null, step: row?.step ?? null, sessionId: row?.session_id ?? null };
}

/** The step and the caller's role, writing nothing: for refusals that must still say 404, 403 or 409 first. */
export async function inspectStep(
  db: Database,
  scope: WorkshopScope & { stepId: string },
): Promise<{ role: string | null; step: Step | null }> {
  const { rows } = await db.execute<{ role: string | null; step: Step | null }>(sql`
    with ${accessCte(scope)}
    select ${callerRole} as role,
      (select ${sql.raw(stepJson())} from workshop_steps ws join step_definitions d on d.id = ws.step_id
       where ws.workshop_id = ${scope.workshopId} and ws.step_id = ${scope.stepId} and ${isMember}) as step`);
  return { role: rows[0]?.role ?? null, step: rows[0]?.step ?? null };
}

export interface StepWrite extends StepActivity {
  /** The step as it was before this statement (null for a non-member or an unknown step). */
  before: FoundStep | null;
  changed: boolean;
}

interface OutputParams extends WorkshopScope {
  stepId: string;
  session: SessionIntent;
  outputJson: string;
  expectedVersion?: Date | undefined;
}

/**
 * Access, availability and version are checked by the statement that writes; the workshop moves to active
 * (from draft or paused) and its activity time forward in the same statement.
 */
export async function saveStepOutput(db: Database, params: OutputParams): Promise<StepWrite> {
  const expected = params.expectedVersion?.toISOString() ?? null;
  const happened = sql.raw('exists (select 1 from changed)');
  const { rows } = await db.execute<StepWriteRow>(sql`
    with ${accessCte(params)}, ${beforeCte(params)},
    changed as (
      update workshop_steps ws set
        output = ${params.outputJson}::json,
        status = case when ws.status = 'not_started' then 'in_progress' else ws.status end,
        started_at = coalesce(ws.started_at, now())
      from before b
      where ws.workshop_id = ${params.workshopId} and ws.step_id = ${params.stepId}
        and ${isEditor} and (b.found -> 'step' ->> 'available')::boolean
        and (${expected}::timestamptz is null or ws.updated_at = ${expected}::timestamptz)
      returning ws.*
    ), workshop_activity as (
      update workshops set status = case when status in ('draft', 'paused') then 'active' else status end
      where id = ${params.workshopId} and ${happened}
    ), ${sessionActivityCtes(params.session, params.workshopId, happened)}
    ${stepWriteResult(happened)}`);
  return toStepWrite(rows[0]);
}

interface CompleteParams extends WorkshopScope {
  stepId: string;
  session: SessionIntent;
  completion: StepCompletion;
}

/**
 * Completing an already complete step changes nothing and still answers the step. The workshop becomes
 * completed with its last step, and active (from draft or paused) with any other.
 */
export async function completeStep(db: Database, params: CompleteParams): Promise<StepWrite> {
  const changedOrAlreadyComplete = sql.raw(
    `(exists (select 1 from changed) or (${IS_EDITOR} and (select b.found -> 'step' ->> 'status' from before b) = 'complete'))`,
  );
  const { rows } = await db.execute<StepWriteRow>(sql`
    with ${accessCte(params)}, ${beforeCte(params)},
    changed as (
      update workshop_steps ws set
        status = 'complete', completion = ${params.completion}, completed_at = now(),
        started_at = coalesce(ws.started_at, now())
      from before b
      where ws.workshop_id = ${params.workshopId} and ws.step_id = ${params.stepId}
        and ${isEditor} and (b.found -> 'step' ->> 'available')::boolean and ws.status <> 'complete'
      returning ws.*
    ), workshop_activity as (
      update workshops set status = case
          when not exists (
            select 1 from workshop_steps
            where workshop_id = ${params.workshopId} and step_id <> ${params.stepId} and status <> 'complete'
          ) then 'completed'
          when status in ('draft', 'paused') then 'active'
          else status end
      where id = ${params.workshopId} and exists (select 1 from changed)
    ), ${sessionActivityCtes(params.session, params.workshopId, changedOrAlreadyComplete)}
    ${stepWriteResult(changedOrAlreadyComplete)}`);
  return toStepWrite(rows[0]);
}

type StepWriteRow = {
  role: string | null;
  before: FoundStep | null;
  after: FoundStep | null;
  changed: boolean;
  session_id: string | null;
};

/**
 * The step as the write finds it. The row lock makes a concurrent write to the same step wait and then read
 * the committed row, so a second completion sees "complete" instead of a stale "in progress".
 */
function beforeCte(params: WorkshopScope & { stepId: string }): SQL {
  return sql`before as (
      select ${foundStep()} as found
      from workshop_steps ws join step_definitions d on d.id = ws.step_id
      where ws.workshop_id = ${params.workshopId} and ws.step_id = ${params.stepId} and ${isMember}
      for update of ws
    )`;
}

/** The step after the write, built from the updated row (the statement's snapshot still shows the old one). */
function stepWriteResult(happened: SQL): SQL {
  return sql`select ${callerRole} as role,
      (select found from before) as before,
      (select ${foundStep({ step: 'c', definition: 'd' })}
       from changed c join step_definitions d on d.id = c.step_id) as after,
      exists (select 1 from changed) as changed,
      ${chosenSessionColumn(happened)}`;
}

function toStepWrite(row: StepWriteRow | undefined): StepWrite {
  return {
    role: row?.role ?? null,
    before: row?.before ?? null,
    step: row?.after ?? row?.before ?? null,
    changed: row?.changed ?? false,
    sessionId: row?.session_id ?? null,
  };
}

export type StepContextRow = {
  role: string | null;
  workshop: StepContext['workshop'] | null;
  current: StepContext['step'] | null;
  earlier: ContextStep[] | null;
  session_id: string | null;
};

const contextWorkshopJson = jsonObject<StepContext['workshop']>({
  title: 'w.title',
  originalIdea: 'w.original_idea',
  status: 'w.status',
});

/** Fetching context for the AI is a meaningful activity. */
export async function readStepContext(
  db: Database,
  scope: WorkshopScope & { stepId: string; session: SessionIntent },
): Promise<StepContextRow | undefined> {
  const current = sql`(select d from step_definitions d
      join workshop_steps ws on ws.step_id = d.id and ws.workshop_id = ${scope.workshopId}
      where d.id = ${scope.stepId} and ${isMember})`;
  const happened = sql`exists ${current}`;
  const { rows } = await db.execute<StepContextRow>(sql`
    with ${accessCte(scope)}, ${sessionActivityCtes(scope.session, scope.workshopId, happened)}
    select ${callerRole} as role,
      (select ${sql.raw(contextWorkshopJson)}
       from workshops w where w.id = ${scope.workshopId} and ${happened}) as workshop,
      (select ${sql.raw(stepDefinitionJson())}
       from step_definitions d where d.id = ${scope.stepId} and ${happened}) as current,
      (select json_agg(${sql.raw(contextStepJson())} order by d.position)
       from workshop_steps ws join step_definitions d on d.id = ws.step_id
       where ws.workshop_id = ${scope.workshopId} and ${happened}
         and d.position < (select position from step_definitions where id = ${scope.stepId})) as earlier,
      ${chosenSessionColumn(happened)}`);
  return rows[0];
}
