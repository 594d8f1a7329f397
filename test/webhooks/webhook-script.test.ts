/**
 * `npm run webhook` as a developer runs it: a child process that signs a user.deleted event, sends it over
 * HTTP to a running API and reports through its exit status.
 */
import { execFile } from 'node:child_process';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSigningSecret } from '../../scripts/local-auth/clerk-webhook';
import { REPO_ROOT } from '../support/repo-files';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

let app: TestApp;
let server: ReturnType<typeof serve> | undefined;
let baseUrl: string;

beforeAll(async () => {
  app = await createTestApp();
  const env = app.env;
  const port = await new Promise<number>((ready) => {
    server = serve(
      { fetch: (request) => app.app.fetch(request, env), hostname: '127.0.0.1', port: 0 },
      (info) => ready(info.port),
    );
  });
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await app?.close();
});

function runScript(
  args: string[],
  secret: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/webhook.ts', ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, BASE_URL: baseUrl, CLERK_WEBHOOK_SIGNING_SECRET: secret },
        timeout: 60_000,
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run -s webhook -- user.deleted --user <id>', () => {
  it('signs with the server’s secret: accepted, the user’s workshop is gone, one line, exit 0', async () => {
    const created = await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: 'Erased by the script' }, await app.as('user_script_leaver')),
    });
    expect(created.status).toBe(201);
    const result = await runScript(
      ['user.deleted', '--user', 'user_script_leaver'],
      app.env.CLERK_WEBHOOK_SIGNING_SECRET ?? '',
    );
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/^200 \{"received":true,"type":"user.deleted","deleted":\{"workshops":1,/);
    const left = await app.database.sql.query(
      'select count(*)::int as n from workshops where clerk_user_id = $1',
      ['user_script_leaver'],
    );
    expect(left.rows[0]?.n).toBe(0);
  });

  it('signed with another secret: refused, exit 1', async () => {
    const result = await runScript(
      ['user.deleted', '--user', 'user_script_other'],
      generateWebhookSigningSecret(),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^400 .*webhook_signature_invalid/);
  });

  it('bad arguments: one line on stderr, exit 2', async () => {
    for (const args of [
      ['user.deleted'],
      ['user.created', '--user', 'u1'],
      ['user.deleted', '--user', 'u1', '--nope'],
    ]) {
      const result = await runScript(args, 'unused');
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
