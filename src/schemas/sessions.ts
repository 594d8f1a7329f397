import { z } from '@hono/zod-openapi';
import { idParam, Timestamp, WorkshopIdParams } from './common';

export const SessionSchema = z
  .object({
    id: z.string().openapi({ example: 'ses_h2k9q2m8v7b1n4c6z5l0p8r2' }),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
  })
  .openapi('Session');

export type Session = z.infer<typeof SessionSchema>;

export const SessionListSchema = z.object({ items: z.array(SessionSchema) }).openapi('SessionList');

export const EndedSessionSchema = z
  .object({
    id: z.string(),
    persisted: z
      .boolean()
      .openapi({ description: 'False for a session that never had a meaningful activity' }),
    startedAt: Timestamp.nullable(),
    endedAt: Timestamp.nullable(),
  })
  .openapi('EndedSession');

export type EndedSession = z.infer<typeof EndedSessionSchema>;

export const SessionParams = WorkshopIdParams.extend({
  sessionId: idParam('session', 'sessionId', 'ses_h2k9q2m8v7b1n4c6z5l0p8r2'),
});

export const ListSessionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
