/**
 * The check every test response goes through (test/support/openapi-contract.ts), held to account itself:
 * answers made up here, each departing from the app's document in one way, must each be caught.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiContract, type OpenApiDocument } from '../support/openapi-contract';
import { createTestApp, type TestApp } from '../support/test-app';

const STEP = '/api/workshops/ws_k3x9q2m8v7b1n4c6z5l0p8r2/steps/challenge';
const NOW = '2026-11-24T09:30:00.000Z';
const step = {
  id: 'challenge',
  position: 1,
  name: 'Challenge',
  description: 'Frame it',
  promptTemplate: null,
  status: 'not_started',
  completion: null,
  available: true,
  startedAt: null,
  completedAt: null,
  updatedAt: NOW,
  output: null,
};

let app: TestApp;
let contract: OpenApiContract;

beforeAll(async () => {
  app = await createTestApp();
  contract = new OpenApiContract((await (await app.request('/api/openapi.json')).json()) as OpenApiDocument);
});

afterAll(async () => {
  await app.close();
});

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({
      type: `urn:workshop-api:problem:${code}`,
      title: 'T',
      status,
      detail: 'D',
      code,
      requestId: 'r',
    }),
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  );

describe('the response contract check', () => {
  it('passes an answer that keeps to the document, a null output included', async () => {
    const response = json(step, 200, { ETag: '"st-1"' });
    expect(await contract.violations({ method: 'GET', path: STEP, response })).toEqual([]);
  });

  it('catches a body that breaks its schema', async () => {
    const response = json({ ...step, output: 'text' }, 200, { ETag: '"st-1"' });
    expect(await contract.violations({ method: 'GET', path: STEP, response })).toEqual([
      expect.stringContaining('body/output'),
      expect.stringContaining('body/output'),
      expect.stringContaining('body/output'),
    ]);
  });

  it('catches a status the operation does not document', async () => {
    const response = problem(409, 'invalid_transition');
    expect(await contract.violations({ method: 'GET', path: STEP, response })).toEqual([
      expect.stringMatching(/^status 409 is not documented/),
    ]);
  });

  it('catches a content type the response does not list', async () => {
    const response = new Response('<p>hi</p>', {
      status: 200,
      headers: { 'Content-Type': 'text/html', ETag: '"x"' },
    });
    expect(await contract.violations({ method: 'GET', path: STEP, response })).toEqual([
      expect.stringMatching(/^content type text\/html is not one of application\/json/),
    ]);
  });

  it('catches a missing documented header: ETag, Retry-After on a 503, WWW-Authenticate on a 401', async () => {
    expect(await contract.violations({ method: 'GET', path: STEP, response: json(step, 200) })).toEqual([
      'the documented header ETag is missing',
    ]);
    expect(
      await contract.violations({
        method: 'GET',
        path: STEP,
        response: problem(503, 'database_unavailable'),
      }),
    ).toEqual(['the documented header Retry-After is missing']);
    expect(
      await contract.violations({ method: 'GET', path: STEP, response: problem(401, 'unauthorized') }),
    ).toEqual(['the documented header WWW-Authenticate is missing']);
  });

  it('catches a success on a path or method the document does not have, and a 405 without Allow', async () => {
    expect(
      await contract.violations({ method: 'GET', path: '/api/nowhere', response: json({}, 200) }),
    ).toEqual(['GET /api/nowhere answered 200 but is not documented']);
    expect(
      await contract.violations({ method: 'POST', path: STEP, response: problem(405, 'method_not_allowed') }),
    ).toEqual(['a 405 must name the allowed methods in Allow']);
    expect(
      await contract.violations({ method: 'POST', path: STEP, response: json({ error: 'nope' }, 404) }),
    ).toEqual(['content type application/json is not problem+json']);
  });
});
