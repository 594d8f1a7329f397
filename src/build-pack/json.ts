import type { BuildPackDocument, BuildPackDocumentStep } from '../schemas/build-pack-document';
import type { BuildPackSource, BuildPackStep } from './source';
import { orderedSteps } from './step-order';

/** Dates must be valid: an invalid Date is a bug in the caller and throws a RangeError here. */
export function renderJson(source: BuildPackSource): BuildPackDocument {
  const { pack, workshop } = source;
  const steps = orderedSteps(source.steps);
  const { completed, total } = source.progress;
  return {
    schemaVersion: 1,
    pack: {
      id: pack.id,
      title: pack.title,
      format: pack.format,
      createdAt: pack.createdAt.toISOString(),
      updatedAt: pack.updatedAt.toISOString(),
    },
    workshop: {
      id: workshop.id,
      title: workshop.title,
      originalIdea: workshop.originalIdea,
      status: workshop.status,
      createdAt: workshop.createdAt.toISOString(),
      updatedAt: workshop.updatedAt.toISOString(),
    },
    progress: { completed, total },
    steps: steps.map(stepDocument),
  };
}

function stepDocument(step: BuildPackStep): BuildPackDocumentStep {
  return {
    id: step.id,
    position: step.position,
    name: step.name,
    description: step.description,
    status: step.status,
    completion: step.completion,
    startedAt: step.startedAt?.toISOString() ?? null,
    completedAt: step.completedAt?.toISOString() ?? null,
    updatedAt: step.updatedAt.toISOString(),
    output: step.output,
  };
}

/** Stands in for step `index`'s output while the envelope is indented; NUL never occurs in stored text. */
const outputSlot = (index: number) => `\u0000output ${index}\u0000`;

/**
 * The JSON pack as text: the envelope indented for people, each output compact on one line. Indenting
 * the outputs too would add two spaces per level to every line below it, so a 256 KiB output of deeply
 * nested arrays would come out tens of times larger; this way the text grows with its input, linearly.
 */
export function renderJsonText(source: BuildPackSource): string {
  const document = renderJson(source);
  const envelope = {
    ...document,
    steps: document.steps.map((step, index) => ({ ...step, output: outputSlot(index) })),
  };
  let text = JSON.stringify(envelope, null, 2);
  document.steps.forEach((step, index) => {
    text = text.replace(JSON.stringify(outputSlot(index)), () => JSON.stringify(step.output));
  });
  return text;
}
