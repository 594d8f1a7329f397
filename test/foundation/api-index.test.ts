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

  it.each(['/api/docs/', '/api/openapi.json/', '/api/health/live/'])(
    'GET %s answers as without the trailing slash',
    async (path) => {
      const [withSlash, without] = await Promise.all([t.request(path), t.request(path.slice(0, -1))]);
      expect(withSlash.status).toBe(200);
      expect(withSlash.headers.get('Content-Type')).toBe(without.headers.get('Content-Type'));
      expect(await withSlash.text()).toBe(await without.text());
    },
  );

  it('still answers an unknown path with a 404 problem', async () => {
    const response = await t.request('/nothing-here');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('not_found');
  });
});
