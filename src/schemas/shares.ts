import { z } from '@hono/zod-openapi';
import { Timestamp } from './common';
import { NullableStepOutputSchema, StepCoreSchema } from './steps';
import { ProgressSchema, WorkshopStatusSchema } from './workshops';

export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const ShareSchema = z
  .object({
    shareToken: z.string().openapi({ example: 'q3Vx2F0c4m9bR7yT1kLpW8eN5sA6dJ0hG2uZ4iO7xQw' }),
    url: z.url().openapi({
      description: "The share link, on the server's configured public address (PUBLIC_BASE_URL)",
      example: 'https://api.example.com/api/shared/q3Vx2F0c4m9bR7yT1kLpW8eN5sA6dJ0hG2uZ4iO7xQw',
    }),
  })
  .openapi('Share');

export const ShareTokenParams = z.object({
  shareToken: z
    .string()
    .regex(SHARE_TOKEN_PATTERN)
    .openapi({
      param: { name: 'shareToken', in: 'path' },
      example: 'q3Vx2F0c4m9bR7yT1kLpW8eN5sA6dJ0hG2uZ4iO7xQw',
    }),
});

export const SharedStepSchema = StepCoreSchema.extend({
  startedAt: Timestamp.nullable(),
  completedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
  output: NullableStepOutputSchema,
}).openapi('SharedStep');

export const SharedWorkshopSchema = z
  .object({
    title: z.string(),
    originalIdea: z.string(),
    status: WorkshopStatusSchema,
    progress: ProgressSchema,
    currentStepId: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    steps: z.array(SharedStepSchema),
  })
  .openapi('SharedWorkshop', { description: 'A read-only view for anyone holding the link; no member ids' });

export type SharedStep = z.infer<typeof SharedStepSchema>;
export type SharedWorkshop = z.infer<typeof SharedWorkshopSchema>;
