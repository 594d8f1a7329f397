/**
 * On Node the app generates its OpenAPI document from its schemas on the first request; the Worker bundle
 * serves the copy generated when it was built and carries no generator (scripts/prebuilt-openapi.ts). Run on
 * both targets, this holds what each serves to the document generated in this process, byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('GET /api/openapi.json', () => {
  it('serves the document this source generates, byte for byte, with the same content type', async () => {
    const [served, generated] = await Promise.all([
      app.request('/api/openapi.json'),
      app.app.request('/api/openapi.json', {}, app.env),
    ]);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe(generated.headers.get('content-type'));
    const [servedText, generatedText] = await Promise.all([served.text(), generated.text()]);
    expect(generatedText.length).toBeGreaterThan(10_000);
    // Not toEqual on parsed JSON: a reordered key, which parsing hides, is a different document.
    expect(
      servedText === generatedText,
      `served ${servedText.length} bytes, generated ${generatedText.length}`,
    ).toBe(true);
  });
});
