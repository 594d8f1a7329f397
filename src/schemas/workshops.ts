import { z } from '@hono/zod-openapi';
import { STEP_COMPLETIONS, STEP_STATUSES, WORKSHOP_STATUSES } from '../domain/vocabulary';
import { patchBody, Timestamp, userText } from './common';

export const WorkshopStatusSchema = z.enum(WORKSHOP_STATUSES).openapi('WorkshopStatus');

export const ProgressSchema = z
  .object({ completed: z.number().int().min(0), total: z.number().int().min(0) })
  .openapi('Progress', { example: { completed: 3, total: 10 } });

export const WorkshopSchema = z
  .object({
    id: z.string().openapi({ example: 'ws_k3x9q2m8v7b1n4c6z5l0p8r2' }),
    title: z.string().openapi({ example: 'Meal planning for shift workers' }),
    originalIdea: z.string().openapi({ example: 'An app that plans meals around rotating shifts' }),
    status: WorkshopStatusSchema,
    visibility: z.enum(['private', 'shared']),
    role: z.string().openapi({ description: "The caller's role: owner, editor or viewer", example: 'owner' }),
    progress: ProgressSchema,
    currentStepId: z
      .string()
      .nullable()
      .openapi({ description: 'The first step that is not complete; null when all are', example: 'persona' }),
    orgId: z.string().nullable(),
    templateId: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Workshop');

export const StepSummarySchema = z
  .object({
    id: z.string().openapi({ example: 'challenge' }),
    position: z.number().int().min(1).max(10),
    name: z.string().openapi({ example: 'Challenge' }),
    status: z.enum(STEP_STATUSES),
    completion: z.enum(STEP_COMPLETIONS).nullable(),
    available: z.boolean().openapi({ description: 'Every earlier step is complete' }),
    startedAt: Timestamp.nullable(),
    completedAt: Timestamp.nullable(),
    updatedAt: Timestamp,
  })
  .openapi('StepSummary');

export const WorkshopDetailSchema = WorkshopSchema.extend({
  shareToken: z.string().nullable().openapi({ description: 'Shown to owners only' }),
  steps: z.array(StepSummarySchema),
}).openapi('WorkshopDetail');

export const WorkshopListSchema = z
  .object({
    items: z.array(WorkshopSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null on the last' }),
  })
  .openapi('WorkshopList');

export type Progress = z.infer<typeof ProgressSchema>;
export type Workshop = z.infer<typeof WorkshopSchema>;
export type StepSummary = z.infer<typeof StepSummarySchema>;
export type WorkshopDetail = z.infer<typeof WorkshopDetailSchema>;
export type WorkshopList = z.infer<typeof WorkshopListSchema>;

export const ListWorkshopsQuery = z.object({
  status: WorkshopStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional(),
});

export const CreateWorkshopSchema = z
  .strictObject({
    originalIdea: userText(10_000).openapi({ example: 'An app that plans meals around rotating shifts' }),
    title: userText(200).optional().openapi({ description: 'Defaults to the first line of the idea' }),
    templateId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .openapi({
        description: 'An opaque reference kept with the workshop; it grants no access to anything',
      }),
    orgId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .openapi({
        description:
          "Must be the organization active in the caller's session token (`o.id`, or `org_id` in v1 tokens); anything else is 403 `organization_not_allowed`",
      }),
  })
  .openapi('CreateWorkshop');

export const UpdateWorkshopSchema = patchBody('UpdateWorkshop', {
  title: userText(200).optional(),
  originalIdea: userText(10_000).optional(),
  status: WorkshopStatusSchema.optional(),
});

export const DeleteWorkshopQuery = z.object({
  confirm: z.enum(['true', 'false']).optional().openapi({ description: 'Must be `true` to delete' }),
});

export const MeSchema = z
  .object({
    userId: z.string(),
    plan: z.string().openapi({ example: 'free' }),
    workshopCap: z.number().int(),
    workshopCount: z.number().int(),
  })
  .openapi('Me');
