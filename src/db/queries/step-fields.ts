import type { SharedStep } from '../../schemas/shares';
import type { Step, StepContext, StepCore, StepWithOutput } from '../../schemas/steps';
import type { StepSummary } from '../../schemas/workshops';
import { isoTime, type JsonFields, jsonObject } from './json-shape';

/** The table aliases a step's SQL reads: a `workshop_steps` row and its `step_definitions` row. */
export interface StepAliases {
  step: string;
  definition: string;
}

const WORKSHOP_STEP = { step: 'ws', definition: 'd' } as const;

/** Every field any answer shows for a step, as SQL over the given aliases: the one spelling of each. */
function stepExpressions({ step: ws, definition: d }: StepAliases) {
  return {
    id: `${d}.id`,
    position: `${d}.position`,
    name: `${d}.name`,
    description: `${d}.description`,
    promptTemplate: `${d}.prompt_template`,
    status: `${ws}.status`,
    completion: `${ws}.completion`,
    // A step is available once every earlier step of its workshop is complete.
    available: `not exists (
        select 1 from workshop_steps e join step_definitions ed on ed.id = e.step_id
        where e.workshop_id = ${ws}.workshop_id and ed.position < ${d}.position and e.status <> 'complete'
      )`,
    startedAt: isoTime(`${ws}.started_at`),
    completedAt: isoTime(`${ws}.completed_at`),
    updatedAt: isoTime(`${ws}.updated_at`),
    output: `${ws}.output`,
  };
}

function coreFields(aliases: StepAliases) {
  const { id, position, name, description, status, completion } = stepExpressions(aliases);
  return { id, position, name, description, status, completion };
}

/** The fields of a `Step`, in the order answers show them. */
function stepFields(aliases: StepAliases): JsonFields<Step> {
  const e = stepExpressions(aliases);
  return {
    id: e.id,
    position: e.position,
    name: e.name,
    description: e.description,
    promptTemplate: e.promptTemplate,
    status: e.status,
    completion: e.completion,
    available: e.available,
    startedAt: e.startedAt,
    completedAt: e.completedAt,
    updatedAt: e.updatedAt,
  };
}

/** A step with its definition, status, availability and times (`Step`). */
export const stepJson = (aliases: StepAliases = WORKSHOP_STEP): string =>
  jsonObject<Step>(stepFields(aliases));

/** `Step` plus its output (`StepWithOutput`). */
export const stepWithOutputJson = (aliases: StepAliases = WORKSHOP_STEP): string =>
  jsonObject<StepWithOutput>({ ...stepFields(aliases), output: stepExpressions(aliases).output });

/**
 * A step as its ETag needs it: the step itself and its definition's version (a renamed step changes the
 * body), which the answer does not show.
 */
export type VersionedStep<Shape> = { step: Shape; definitionUpdatedAt: string };

export function versionedStepJson(stepSql: string, aliases: StepAliases = WORKSHOP_STEP): string {
  return jsonObject<VersionedStep<unknown>>({
    step: stepSql,
    definitionUpdatedAt: isoTime(`${aliases.definition}.updated_at`),
  });
}

/** Every step of workshop `w`, in order, in the shape `json` gives one step of `ws` and `d`. */
function stepsOfWorkshop(json: string): string {
  return `coalesce((
    select json_agg(${json} order by d.position)
    from workshop_steps ws join step_definitions d on d.id = ws.step_id
    where ws.workshop_id = w.id
  ), '[]'::json)`;
}

/** The steps of workshop `w` as its detail lists them (`StepSummary`). */
export function stepSummariesOfWorkshop(): string {
  const {
    description: _description,
    promptTemplate: _promptTemplate,
    ...summary
  } = stepFields(WORKSHOP_STEP);
  return stepsOfWorkshop(jsonObject<StepSummary>(summary));
}

/** The steps of workshop `w` with times and outputs: what shared views and build packs show (`SharedStep`). */
export function sharedStepsOfWorkshop(): string {
  const e = stepExpressions(WORKSHOP_STEP);
  return stepsOfWorkshop(
    jsonObject<SharedStep>({
      ...coreFields(WORKSHOP_STEP),
      startedAt: e.startedAt,
      completedAt: e.completedAt,
      updatedAt: e.updatedAt,
      output: e.output,
    }),
  );
}

/** The definition of step `d` alone, as step context names the step it is for. */
export function stepDefinitionJson(): string {
  const e = stepExpressions(WORKSHOP_STEP);
  return jsonObject<StepContext['step']>({
    id: e.id,
    position: e.position,
    name: e.name,
    description: e.description,
    promptTemplate: e.promptTemplate,
  });
}

/** An earlier step with its output as the JSON text stored in the column, so it can be passed on unparsed. */
export type ContextStep = StepCore & { outputJson: string | null };

export function contextStepJson(): string {
  return jsonObject<ContextStep>({
    ...coreFields(WORKSHOP_STEP),
    outputJson: `${WORKSHOP_STEP.step}.output::text`,
  });
}
