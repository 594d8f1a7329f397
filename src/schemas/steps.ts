import { z } from '@hono/zod-openapi';
import { findOutputProblem } from '../domain/step-output-rules';
import { STEP_COMPLETIONS, STEP_STATUSES } from '../domain/vocabulary';
import { patchBody, Timestamp, userText, WorkshopIdParams } from './common';
import { WorkshopStatusSchema } from './workshops';

export const StepIdParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/)
  .openapi({ param: { name: 'stepId', in: 'path' }, example: 'stakeholder-mapping' });

export const StepParams = WorkshopIdParams.extend({ stepId: StepIdParam });

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Not z.record: parsing through it would silently drop a "__proto__" key, and outputs are kept as sent.
export const StepOutputSchema = z
  .custom<Record<string, unknown>>(isJsonObject, {
    error: (issue) => (issue.input === undefined ? 'required' : 'must be a JSON object'),
  })
  .superRefine((output, ctx) => {
    const problem = findOutputProblem(output);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem.path} ${problem.message}` });
  })
  .openapi('StepOutput', {
    type: 'object',
    additionalProperties: true,
    description:
      'The step\'s structured output: any JSON object (at most 256 KiB as UTF-8 JSON), read back exactly as written, key order included (keys that are array indices, such as "2", come first in ascending order, as in every JavaScript object)',
    example: { problem: 'Shift workers eat badly', whoHasIt: ['nurses', 'warehouse staff'] },
  });

/**
 * A step's output in an answer: null until one is saved. Written as `anyOf [StepOutput, null]` rather than
 * a nullable StepOutput, which the generator emits as an `allOf` that no null can satisfy.
 */
export const NullableStepOutputSchema = z.union([StepOutputSchema, z.null()]).openapi({
  description: 'The saved output, or null while the step has none',
});

export const StepDefinitionSchema = z
  .object({
    id: z.string().openapi({ example: 'stakeholder-mapping' }),
    position: z.number().int().min(1).max(10),
    name: z.string().openapi({ example: 'Stakeholder Mapping' }),
    description: z.string(),
    promptTemplate: z.string().nullable(),
    updatedAt: Timestamp,
  })
  .openapi('StepDefinition');

export const StepDefinitionListSchema = z
  .object({ items: z.array(StepDefinitionSchema) })
  .openapi('StepDefinitionList');

export const UpdateStepDefinitionSchema = patchBody('UpdateStepDefinition', {
  name: userText(100).optional(),
  description: userText(1_000).optional(),
  promptTemplate: userText(20_000).nullable().optional(),
});

/** What every step in an answer has: its definition and where it stands. */
export const StepCoreSchema = z.object({
  id: z.string().openapi({ example: 'challenge' }),
  position: z.number().int().min(1).max(10),
  name: z.string(),
  description: z.string(),
  status: z.enum(STEP_STATUSES),
  completion: z.enum(STEP_COMPLETIONS).nullable(),
});

export const StepSchema = StepCoreSchema.extend({
  promptTemplate: z.string().nullable(),
  available: z.boolean().openapi({ description: 'Every earlier step is complete' }),
  startedAt: Timestamp.nullable(),
  completedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
}).openapi('Step');

export const StepWithOutputSchema = StepSchema.extend({ output: NullableStepOutputSchema }).openapi(
  'StepWithOutput',
);

export const StepListSchema = z.object({ items: z.array(StepSchema) }).openapi('StepList');

export type StepCore = z.infer<typeof StepCoreSchema>;
export type Step = z.infer<typeof StepSchema>;
export type StepWithOutput = z.infer<typeof StepWithOutputSchema>;

export const PutOutputSchema = z.strictObject({ output: StepOutputSchema }).openapi('PutStepOutput');

export const CompleteStepSchema = z
  .discriminatedUnion('by', [
    z.strictObject({ by: z.literal('ai') }),
    z.strictObject({ by: z.literal('user'), confirm: z.boolean().optional() }),
  ])
  .openapi('CompleteStep', {
    description:
      '`{by: "ai"}` when the AI confirms the step is done; `{by: "user", confirm: true}` to skip ahead',
  });

/** The forms a client may ask the context in; each carries the outputs once, `both` twice. */
export const CONTEXT_FORMS = ['prompt', 'steps', 'both'] as const;
export type ContextForm = (typeof CONTEXT_FORMS)[number];
export const DEFAULT_CONTEXT_FORM: ContextForm = 'prompt';

export const StepContextQuery = z.object({
  include: z
    .enum(CONTEXT_FORMS)
    .default(DEFAULT_CONTEXT_FORM)
    .openapi({
      param: { name: 'include', in: 'query' },
      description:
        'Which form of the earlier outputs to send: `prompt` (the default: one text, ready to embed in an AI prompt), `steps` (structured `earlierSteps`), or `both` (the outputs twice)',
    }),
});

export const StepContextSchema = z
  .object({
    workshop: z.object({ title: z.string(), originalIdea: z.string(), status: WorkshopStatusSchema }),
    step: z.object({
      id: z.string(),
      position: z.number().int(),
      name: z.string(),
      description: z.string(),
      promptTemplate: z.string().nullable(),
    }),
    earlierSteps: z
      .array(StepCoreSchema.extend({ output: NullableStepOutputSchema }))
      .optional()
      .openapi({
        description: 'Every earlier step with its output, in order; sent for `include=steps` or `both`',
      }),
    prompt: z.string().optional().openapi({
      description:
        'The idea and every earlier output (as compact JSON) in order, as text ready for an AI prompt; sent for `include=prompt` (the default) or `both`',
    }),
  })
  .openapi('StepContext');

export type StepContext = z.infer<typeof StepContextSchema>;
