import type { ContextStep } from '../db/queries/steps';

const STATUS_LABELS: Record<ContextStep['status'], string> = {
  not_started: 'not started',
  in_progress: 'in progress',
  complete: 'complete',
};

/**
 * Plain text an AI prompt can embed: the idea, then every earlier step's output in order. Outputs appear as
 * the compact JSON they are stored as: no indentation to pay for in tokens, and no parsing to build it.
 */
export function contextPrompt(input: {
  workshop: { title: string; originalIdea: string };
  step: { position: number; name: string };
  earlierSteps: readonly ContextStep[];
}): string {
  const sections = input.earlierSteps.map((step) => {
    const label = step.completion === 'user_skipped' ? 'skipped by the user' : STATUS_LABELS[step.status];
    return `## Step ${step.position}: ${step.name} (${label})\n${step.outputJson ?? '(no output)'}`;
  });
  return [
    `Workshop: ${input.workshop.title}`,
    `Original idea: ${input.workshop.originalIdea}`,
    `Current step: ${input.step.position}. ${input.step.name}`,
    ...(sections.length > 0 ? sections : ['(This is the first step: there are no earlier outputs.)']),
  ].join('\n\n');
}
