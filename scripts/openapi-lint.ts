/**
 * Lints the OpenAPI document the app serves, offline, with Redocly (`recommended`) and Spectral
 * (`spectral:oas`, see .spectral.yaml). The document is taken from the app itself, as a client would get
 * it, and written to a temporary file for the two linters. Exits non-zero when either reports an error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { generateSigningKeyPair } from './local-auth/keys';
import { localClerkEnv } from './local-auth/local-clerk';

// Serving the document touches no database; the configuration only has to be valid.
const env = {
  DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
  LOG_LEVEL: 'silent',
  ...localClerkEnv(generateSigningKeyPair()),
};

const response = await createApp().request('/api/openapi.json', {}, env);
if (response.status !== 200) {
  console.error(`openapi:lint: GET /api/openapi.json answered ${response.status}`);
  process.exit(1);
}
const directory = mkdtempSync(join(tmpdir(), 'workshop-api-openapi-'));
const documentPath = join(directory, 'openapi.json');
writeFileSync(documentPath, JSON.stringify(await response.json(), null, 2));

const linters = [
  { name: 'Redocly', command: ['redocly', 'lint', '--extends=recommended', documentPath] },
  { name: 'Spectral', command: ['spectral', 'lint', '--ruleset', '.spectral.yaml', documentPath] },
];
let failed = false;
for (const { name, command } of linters) {
  console.log(`\n── ${name}: ${command.join(' ')}`);
  const [binary = '', ...args] = command;
  const run = spawnSync(join('node_modules', '.bin', binary), args, {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (run.status !== 0) failed = true;
}
rmSync(directory, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
