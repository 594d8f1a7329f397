/** Someone who opens the server's address, or types the docs address with a trailing slash, finds the docs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_BASE_URL: 'https://api.example.com/v1' });
});
afterAll(async () => {
  await t?.close();
});

describe('pointers to the documentation', () => {
  it.each(['/', '/api'])('GET %s links the API reference, the OpenAPI document and health', async (path) => {
    const response = await t.request(path);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      name: 'workshop-api',
      docs: 'https://api.example.com/v1/api/docs',
      openapi: 'https://api.example.com/v1/api/openapi.json',
      health: 'https://api.example.com/v1/api/health',
    });
  });

  it('GET /api/docs/ redirects to the reference page, which answers', async () => {
    const response = await t.request('/api/docs/');
    expect(response.status).toBe(301);
    expect(response.headers.get('Location')).toBe('/api/docs');
    const page = await t.request('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
  });

  it.each(['/nothing-here', '/api/', '/api/health/live/', '/api/shared/..'])(
    'still answers %s with a 404 problem: routing stays strict',
    async (path) => {
      const response = await t.request(path);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('not_found');
    },
  );
});
