import { isoDate } from './dates';
import {
  noOutputNote,
  progressLabel,
  type StepMark,
  stepMark,
  stepMarkLabel,
  workshopStatusLabel,
} from './labels';
import { type Field, isEmptyOutput, type OutputBlock, outputBlocks } from './output-blocks';
import { paragraphsOf, singleLine } from './plain-text';
import type { BuildPackSource, BuildPackStep } from './source';
import { orderedSteps } from './step-order';

/** Everything a human-readable build pack says, in reading order, before any format-specific layout. */
export interface PackOutline {
  title: string;
  /** The original idea as paragraphs of lines. */
  idea: string[][];
  facts: Field[];
  /**
   * Outlined one at a time as they are read: a step's output can be large, and the PDF renderer
   * pauses between steps.
   */
  steps: Iterable<StepOutline>;
}

export interface StepOutline {
  heading: string;
  description: string;
  mark: StepMark;
  facts: Field[];
  blocks: OutputBlock[];
}

const UNTITLED = 'Untitled build pack';

export function buildPackOutline(source: BuildPackSource): PackOutline {
  const { pack, workshop } = source;
  const steps = orderedSteps(source.steps);
  return {
    title: singleLine(pack.title) || UNTITLED,
    idea: paragraphsOf(workshop.originalIdea),
    facts: [
      { label: 'Workshop', text: singleLine(workshop.title) || UNTITLED },
      { label: 'Status', text: workshopStatusLabel(workshop.status) },
      { label: 'Progress', text: progressLabel(source.progress) },
      { label: 'Started', text: isoDate(workshop.createdAt) },
      { label: 'Last updated', text: isoDate(workshop.updatedAt) },
    ],
    steps: outlinesOf(steps),
  };
}

function* outlinesOf(steps: readonly BuildPackStep[]): Generator<StepOutline> {
  for (const step of steps) yield stepOutline(step);
}

function stepOutline(step: BuildPackStep): StepOutline {
  const hasOutput = !isEmptyOutput(step.output);
  const mark = stepMark(step, hasOutput);
  const facts: Field[] = [{ label: 'Status', text: stepMarkLabel(mark) }];
  if (step.startedAt) facts.push({ label: 'Started', text: isoDate(step.startedAt) });
  if (step.completedAt)
    facts.push({ label: mark === 'skipped' ? 'Skipped' : 'Completed', text: isoDate(step.completedAt) });
  return {
    heading: `${step.position}. ${singleLine(step.name)}`,
    description: singleLine(step.description),
    mark,
    facts,
    blocks:
      step.output && hasOutput ? outputBlocks(step.output) : [{ kind: 'note', text: noOutputNote(mark) }],
  };
}
