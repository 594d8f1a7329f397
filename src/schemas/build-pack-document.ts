import { z } from '@hono/zod-openapi';
import { BUILD_PACK_FORMATS, STEP_COMPLETIONS, STEP_STATUSES, WORKSHOP_STATUSES } from '../domain/vocabulary';

const timestamp = (description: string) =>
  z.iso.datetime().openapi({ description, example: '2025-03-14T09:30:00.000Z' });

const nullableTimestamp = (description: string) =>
  z.iso.datetime().nullable().openapi({ description, example: '2025-03-14T09:30:00.000Z' });

const buildPackStepSchema = z
  .object({
    id: z
      .string()
      .openapi({ description: 'Step slug, stable across workshops.', example: 'stakeholder-mapping' }),
    position: z
      .number()
      .int()
      .min(1)
      .openapi({ description: 'Order of the step, from 1 to 10.', example: 2 }),
    name: z.string().openapi({ description: 'Display name of the step.', example: 'Stakeholder Mapping' }),
    description: z.string().openapi({ description: 'One-line summary of what the step is for.' }),
    status: z.enum(STEP_STATUSES).openapi({
      description: 'Where the step stands. A skipped step is `complete` with completion `user_skipped`.',
    }),
    completion: z.enum(STEP_COMPLETIONS).nullable().openapi({
      description:
        'How a complete step was completed: confirmed by the AI facilitator or skipped by the user; null until complete.',
    }),
    startedAt: nullableTimestamp('When work on the step began (ISO 8601, UTC); null if never started.'),
    completedAt: nullableTimestamp('When the step was completed or skipped (ISO 8601, UTC); null otherwise.'),
    updatedAt: timestamp('Last change to the step (ISO 8601, UTC).'),
    output: z.record(z.string(), z.unknown()).nullable().openapi({
      description:
        'The structured output of the step exactly as stored: any JSON object. Its shape depends on the step and may change between workshops; null when there is none yet. For a step that is not complete it is a draft.',
    }),
  })
  .openapi('BuildPackDocumentStep');

export const BuildPackDocumentSchema = z
  .object({
    schemaVersion: z.literal(1).openapi({
      description: 'Version of this document shape. Incremented on any change that could break a consumer.',
    }),
    pack: z
      .object({
        id: z.string().openapi({ description: 'Build pack id.' }),
        title: z.string().openapi({ description: 'Build pack title.' }),
        format: z.enum(BUILD_PACK_FORMATS).openapi({
          description: 'Format the pack was created for; this document is the same in every format.',
        }),
        createdAt: timestamp('When the build pack was created (ISO 8601, UTC).'),
        updatedAt: timestamp('When the build pack record was last changed (ISO 8601, UTC).'),
      })
      .openapi({ description: 'The build pack this document renders.' }),
    workshop: z
      .object({
        id: z.string().openapi({ description: 'Workshop id.' }),
        title: z.string().openapi({ description: 'Workshop title.' }),
        originalIdea: z
          .string()
          .openapi({ description: 'The idea the workshop started from, as the user wrote it.' }),
        status: z.enum(WORKSHOP_STATUSES).openapi({ description: 'Workshop status.' }),
        createdAt: timestamp('When the workshop was created (ISO 8601, UTC).'),
        updatedAt: timestamp('Last change to the workshop (ISO 8601, UTC).'),
      })
      .openapi({ description: 'The workshop the pack was built from.' }),
    progress: z
      .object({
        completed: z
          .number()
          .int()
          .min(0)
          .openapi({ description: 'Steps with status `complete`, skipped ones included.', example: 4 }),
        total: z
          .number()
          .int()
          .min(0)
          .openapi({ description: 'Number of steps in the workshop.', example: 10 }),
      })
      .openapi({ description: 'How far the workshop has got.' }),
    steps: z
      .array(buildPackStepSchema)
      .openapi({ description: 'Every step of the workshop in position order, complete or not.' }),
  })
  .openapi('BuildPackDocument', {
    description:
      'A workshop build pack for programs (AI coders, tooling): the workshop, its progress and every step with its structured output, rendered from the current data.',
  });

export type BuildPackDocument = z.infer<typeof BuildPackDocumentSchema>;
export type BuildPackDocumentStep = z.infer<typeof buildPackStepSchema>;
