import { type SQL, sql } from 'drizzle-orm';
import type { StepCompletion, WorkshopStatus } from '../../domain/vocabulary';
import type { Database } from '../client';
import { accessCte, callerRole, IS_EDITOR, isEditor, isMember, type WorkshopScope } from './access';
import type { SessionIntent } from './session-activity';
import { chosenSessionColumn, sessionActivityCtes } from './session-activity';
import { STEP_CORE_JSON, type StepCore } from './step-fields';

export type StepRow = StepCore & {
  promptTemplate: string | null;
  available: boolean;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
  definitionUpdatedAt: string;
  output?: Record<string, unknown> | null;
};

/** One step as JSON, with `available` (every earlier step complete); `ws` and `d` must be in scope. */
function stepJson(withOutput: boolean): SQL {
  return sql.raw(`json_build_object(${STEP_CORE_JSON},
      'promptTemplate', d.prompt_template,
      'available', not exists (
        select 1 from workshop_steps e join step_definitions ed on ed.id = e.step_id
        where e.workshop_id = ws.workshop_id and ed.position < d.position and e.status <> 'complete'
      ),
      'startedAt', ws.started_at, 'completedAt', ws.completed_at, 'updatedAt', ws.updated_at,
      'definitionUpdatedAt', d.updated_at
      ${withOutput ? ", 'output', ws.output" : ''}
    )`);
}

export async function listSteps(db: Database, scope: WorkshopScope): Promise<StepRow[] | undefined> {
  const { rows } = await db.execute<{ steps: StepRow[] | null; member: boolean }>(sql`
    with ${accessCte(scope)}
    select ${isMember} as member,
      (select json_agg(${stepJson(false)} order by d.position)
       from workshop_steps ws join step_definitions d on d.id = ws.step_id
       where ws.workshop_id = ${scope.workshopId} and ${isMember}) as steps`);
  const row = rows[0];
  return row?.member ? (row.steps ?? []) : undefined;
}

export interface StepActivity {
  role: string | null;
  step: StepRow | null;
  sessionId: string | null;
}

/** Reading a step is a visit: a meaningful activity, recorded in the same statement. */
export async function visitStep(
  db: Database,
  scope: WorkshopScope & { stepId: string; session: SessionIntent },
): Promise<StepActivity> {
  const target = sql`(select ${stepJson(true)} from workshop_steps ws join step_definitions d on d.id = ws.step_id
      where ws.workshop_id = ${scope.workshopId} and ws.step_id = ${scope.stepId} and ${isMember})`;
  const happened = sql`${target} is not null`;
  const { rows } = await db.execute<{
    role: string | null;
    step: StepRow | null;
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
): Promise<{ role: string | null; step: StepRow | null }> {
  const { rows } = await db.execute<{ role: string | null; step: StepRow | null }>(sql`
    with ${accessCte(scope)}
    select ${callerRole} as role,
      (select ${stepJson(false)} from workshop_steps ws join step_definitions d on d.id = ws.step_id
       where ws.workshop_id = ${scope.workshopId} and ws.step_id = ${scope.stepId} and ${isMember}) as step`);
  return { role: rows[0]?.role ?? null, step: rows[0]?.step ?? null };
}

export interface StepWrite extends StepActivity {
  /** The step as it was before this statement (null for a non-member or an unknown step). */
  before: StepRow | null;
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
        and ${isEditor} and (b.step ->> 'available')::boolean
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
    `(exists (select 1 from changed) or (${IS_EDITOR} and (select b.step ->> 'status' from before b) = 'complete'))`,
  );
  const { rows } = await db.execute<StepWriteRow>(sql`
    with ${accessCte(params)}, ${beforeCte(params)},
    changed as (
      update workshop_steps ws set
        status = 'complete', completion = ${params.completion}, completed_at = now(),
        started_at = coalesce(ws.started_at, now())
      from before b
      where ws.workshop_id = ${params.workshopId} and ws.step_id = ${params.stepId}
        and ${isEditor} and (b.step ->> 'available')::boolean and ws.status <> 'complete'
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
  before: StepRow | null;
  after: StepRow | null;
  changed: boolean;
  session_id: string | null;
};

/**
 * The step as the write finds it. The row lock makes a concurrent write to the same step wait and then read
 * the committed row, so a second completion sees "complete" instead of a stale "in progress".
 */
function beforeCte(params: WorkshopScope & { stepId: string }): SQL {
  return sql`before as (
      select ${stepJson(true)} as step
      from workshop_steps ws join step_definitions d on d.id = ws.step_id
      where ws.workshop_id = ${params.workshopId} and ws.step_id = ${params.stepId} and ${isMember}
      for update of ws
    )`;
}

/** The step after the write, built from the updated row (the statement's snapshot still shows the old one). */
function stepWriteResult(happened: SQL): SQL {
  return sql`select ${callerRole} as role,
      (select step from before) as before,
      (select json_build_object(
          'id', d.id, 'position', d.position, 'name', d.name, 'description', d.description,
          'promptTemplate', d.prompt_template, 'status', c.status, 'completion', c.completion, 'available', true,
          'startedAt', c.started_at, 'completedAt', c.completed_at, 'updatedAt', c.updated_at,
          'definitionUpdatedAt', d.updated_at, 'output', c.output)
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

/** An earlier step with its output as the JSON text stored in the column, so it can be passed on unparsed. */
export type ContextStep = StepCore & { outputJson: string | null };

export type StepContextRow = {
  role: string | null;
  workshop: { title: string; originalIdea: string; status: WorkshopStatus } | null;
  current: {
    id: string;
    position: number;
    name: string;
    description: string;
    promptTemplate: string | null;
  } | null;
  earlier: ContextStep[] | null;
  session_id: string | null;
};

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
      (select json_build_object('title', w.title, 'originalIdea', w.original_idea, 'status', w.status)
       from workshops w where w.id = ${scope.workshopId} and ${happened}) as workshop,
      (select json_build_object('id', d.id, 'position', d.position, 'name', d.name, 'description', d.description,
         'promptTemplate', d.prompt_template) from step_definitions d where d.id = ${scope.stepId} and ${happened}) as current,
      (select json_agg(json_build_object(${sql.raw(STEP_CORE_JSON)}, 'outputJson', ws.output::text) order by d.position)
       from workshop_steps ws join step_definitions d on d.id = ws.step_id
       where ws.workshop_id = ${scope.workshopId} and ${happened}
         and d.position < (select position from step_definitions where id = ${scope.stepId})) as earlier,
      ${chosenSessionColumn(happened)}`);
  return rows[0];
}
