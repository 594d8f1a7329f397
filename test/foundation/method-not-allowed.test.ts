import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { createTestApp, type TestApp } from '../support/test-app';

const ALLOWED_ORIGIN = 'http://localhost:5173';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ORDER = [...METHODS, 'OPTIONS'];

let testApp: TestApp;
/** Each documented path with a concrete example and the methods its document lists. */
let paths: { template: string; concrete: string; documented: string[] }[];

beforeAll(async () => {
  testApp = await createTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN });
  const document = (await (await testApp.request('/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  paths = Object.entries(document.paths).map(([template, item]) => ({
    template,
    concrete: template.replace(/\{[^}]+\}/g, 'x1'),
    documented: Object.keys(item).map((method) => method.toUpperCase()),
  }));
});

afterAll(async () => {
  await testApp?.close();
});

/** What `Allow` must say: the documented methods, HEAD wherever GET is, and OPTIONS (CORS) everywhere. */
function expectedAllow(documented: string[]): string[] {
  const allowed = new Set([...documented, 'OPTIONS']);
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

describe('a method a known path does not support', () => {
  it('answers 405 method_not_allowed with Allow listing exactly what the document lists for the path', async () => {
    let checked = 0;
    for (const { template, concrete, documented } of paths) {
      const allow = expectedAllow(documented);
      for (const method of METHODS.filter((candidate) => !allow.includes(candidate))) {
        const response = await testApp.request(concrete, { method });
        expect(response.status, `${method} ${template}`).toBe(405);
        expect(response.headers.get('allow'), `${method} ${template}`).toBe(allow.join(', '));
        if (method !== 'HEAD') {
          const problem = await expectProblem(response, 405, 'method_not_allowed');
          expect(problem.detail).toContain(method);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('is decided without the database', async () => {
    const { result, roundTrips } = await testApp.countRoundTrips(() =>
      testApp.request('/api/workshops/ws_k3x9q2m8v7b1n4c6z5l0p8r2', { method: 'POST' }),
    );
    await expectProblem(result, 405, 'method_not_allowed');
    expect(roundTrips).toBe(0);
  });

  it('still answers 404 on a path the app does not serve at all', async () => {
    const response = await testApp.request('/api/no-such-thing', { method: 'POST' });
    await expectProblem(response, 404, 'not_found');
    expect(response.headers.get('allow')).toBeNull();
  });

  it('leaves CORS preflights alone: OPTIONS answers 204 with the CORS headers', async () => {
    const response = await testApp.request('/api/workshops', {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });

  it('answers HEAD wherever GET exists', async () => {
    const response = await testApp.request('/api/health/live', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
