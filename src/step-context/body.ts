import type { ContextStep, StepContextRow } from '../db/queries/steps';
import type { ContextForm } from '../schemas/steps';
import { contextPrompt } from './prompt';

type Found = {
  workshop: NonNullable<StepContextRow['workshop']>;
  current: NonNullable<StepContextRow['current']>;
  earlier: readonly ContextStep[];
};

/**
 * One earlier step as JSON, its output spliced in as stored. The column's type only accepts valid JSON, and
 * this API writes it as JSON.stringify produced it, so the text is what a parse and a stringify would give,
 * without either (at the 256 KiB limit, nine outputs are 2.3 MB).
 */
function earlierStepJson(step: ContextStep): string {
  const { outputJson, ...core } = step;
  return `${JSON.stringify(core).slice(0, -1)},"output":${outputJson ?? 'null'}}`;
}

/** The context answer as JSON text, in the form asked for. */
export function stepContextBody(found: Found, form: ContextForm): string {
  const parts = [`"workshop":${JSON.stringify(found.workshop)}`, `"step":${JSON.stringify(found.current)}`];
  if (form !== 'prompt') parts.push(`"earlierSteps":[${found.earlier.map(earlierStepJson).join(',')}]`);
  if (form !== 'steps') {
    const prompt = contextPrompt({
      workshop: found.workshop,
      step: found.current,
      earlierSteps: found.earlier,
    });
    parts.push(`"prompt":${JSON.stringify(prompt)}`);
  }
  return `{${parts.join(',')}}`;
}
