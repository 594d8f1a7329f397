import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateAndSeed } from '../../scripts/local-stack/migrate';
import { type LocalPostgres, startLocalPostgres } from '../../scripts/local-stack/postgres';

export const TEMPLATE_DATABASE = 'workshop_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

let postgres: LocalPostgres | undefined;

/** One embedded Postgres for the run; every test file clones its own database from a migrated, seeded template. */
export async function setup(project: TestProject) {
  postgres = await startLocalPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'workshop-api-test-')),
    ephemeral: true,
  });
  await postgres.createDatabase(TEMPLATE_DATABASE);
  await migrateAndSeed(postgres.url(TEMPLATE_DATABASE));
  project.provide('postgresAdminUrl', postgres.url('postgres'));
  project.provide('templateDatabase', TEMPLATE_DATABASE);
}

export async function teardown() {
  await postgres?.stop();
}
