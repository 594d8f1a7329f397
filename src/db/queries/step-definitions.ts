import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client';
import { type StepDefinition, stepDefinitions } from '../schema';

export function listStepDefinitions(db: Database): Promise<StepDefinition[]> {
  return db.select().from(stepDefinitions).orderBy(asc(stepDefinitions.position));
}

export async function updateStepDefinition(
  db: Database,
  stepId: string,
  changes: {
    name?: string | undefined;
    description?: string | undefined;
    promptTemplate?: string | null | undefined;
  },
): Promise<StepDefinition | undefined> {
  const [updated] = await db
    .update(stepDefinitions)
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.promptTemplate !== undefined ? { promptTemplate: changes.promptTemplate } : {}),
    })
    .where(eq(stepDefinitions.id, stepId))
    .returning();
  return updated;
}
