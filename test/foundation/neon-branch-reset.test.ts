import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetNeonBranch } from '../../scripts/neon-branch-reset';

/**
 * `npm run db:reset` against Neon, driven against a loopback stand-in for Neon's branch API: what it
 * refuses matters more than what it does, since a reset of the wrong branch destroys data.
 */
interface Call {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

let server: Server;
let apiBase = '';
let branch: Record<string, unknown> = {};
let calls: Call[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on('end', () => {
      calls.push({
        method: request.method ?? '',
        path: request.url ?? '',
        authorization: request.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      });
      response.setHeader('Content-Type', 'application/json');
      if (request.method === 'GET') response.end(JSON.stringify({ branch }));
      else response.end(JSON.stringify({ branch, operations: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  calls = [];
});

const reset = () =>
  resetNeonBranch({ apiKey: 'neon-key', projectId: 'prj_1', branchId: 'br_dev', apiBase, log: () => {} });

describe('db:reset against Neon', () => {
  it('restores a development branch from its parent, keeping the old state under a new name', async () => {
    branch = { id: 'br_dev', name: 'dev-alice', parent_id: 'br_main', default: false, protected: false };
    await reset();
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/v2/projects/prj_1/branches/br_dev',
      'POST /api/v2/projects/prj_1/branches/br_dev/restore',
    ]);
    expect(calls.every((call) => call.authorization === 'Bearer neon-key')).toBe(true);
    expect(calls[1]?.body).toMatchObject({
      source_branch_id: 'br_main',
      preserve_under_name: expect.stringMatching(/^dev-alice-before-reset-/),
    });
  });

  it.each([
    ['the default branch', { name: 'dev', parent_id: 'br_main', default: true }, /default branch/],
    ['a protected branch', { name: 'dev', parent_id: 'br_main', protected: true }, /protected/],
    ['a branch named main', { name: 'main', parent_id: 'br_x' }, /production/],
    ['a branch named Production', { name: 'Production', parent_id: 'br_x' }, /production/],
    ['a branch without a parent', { name: 'dev' }, /no parent/],
  ])('refuses %s and restores nothing', async (_, shape, reason) => {
    branch = { id: 'br_dev', ...shape };
    await expect(reset()).rejects.toThrow(reason);
    expect(calls.map((call) => call.method)).toEqual(['GET']);
  });
});
