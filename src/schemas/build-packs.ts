import { z } from '@hono/zod-openapi';
import { BUILD_PACK_FORMATS } from '../domain/vocabulary';
import { idParam, Timestamp, userText, WorkshopIdParams } from './common';

export const BuildPackFormatSchema = z.enum(BUILD_PACK_FORMATS).openapi('BuildPackFormat');

export const BuildPackSchema = z
  .object({
    id: z.string().openapi({ example: 'bp_n4c6z5l0p8r2k3x9q2m8v7b1' }),
    workshopId: z.string(),
    title: z.string().openapi({ example: 'Meal planning for shift workers — build pack' }),
    format: BuildPackFormatSchema,
    contentUrl: z.string().openapi({
      description: 'Where the pack is rendered, now, from the current step outputs',
      example: '/api/workshops/ws_k3x9q2m8v7b1n4c6z5l0p8r2/build-packs/bp_n4c6z5l0p8r2k3x9q2m8v7b1/content',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('BuildPack');

export type BuildPack = z.infer<typeof BuildPackSchema>;

export const BuildPackListSchema = z.object({ items: z.array(BuildPackSchema) }).openapi('BuildPackList');

export const CreateBuildPackSchema = z
  .strictObject({
    format: BuildPackFormatSchema,
    title: userText(200).optional().openapi({ description: 'Defaults to "<workshop title> — build pack"' }),
  })
  .openapi('CreateBuildPack');

export const BuildPackParams = WorkshopIdParams.extend({
  packId: idParam('buildPack', 'packId', 'bp_n4c6z5l0p8r2k3x9q2m8v7b1'),
});
