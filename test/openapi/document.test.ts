import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import { createTestApp, type TestApp } from '../support/test-app';

type Operation = {
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
};
type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const PUBLIC = new Set([
  'GET /',
  'GET /api',
  'GET /api/health',
  'GET /api/health/live',
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/step-definitions',
  'GET /api/shared/{shareToken}',
]);

/** Routes that touch no database, so answer neither 500 nor 503 from it. */
const NO_DATABASE = new Set(['GET /', 'GET /api', 'GET /api/openapi.json', 'GET /api/docs']);

let app: TestApp;
let document: OpenApiDocument;

beforeAll(async () => {
  app = await createTestApp();
  const response = await app.request('/api/openapi.json');
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApiDocument;
});

afterAll(async () => {
  await app.close();
});

function operations(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** The app's own routes, from Hono's router: handlers only (middleware entries are `ALL` or wildcards). */
function appRoutes(): string[] {
  const routes = app.app.routes
    .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
    .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
  return [...new Set(routes)];
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document by an independent validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it("has exactly the app's routes as its operations", () => {
    expect(operations().sort()).toEqual(appRoutes().sort());
  });

  it('is built once per process, not on every request', async () => {
    const fresh = createApp();
    const generate = vi.spyOn(fresh, 'getOpenAPI31Document');
    for (let request = 0; request < 3; request++) {
      const response = await fresh.request('/api/openapi.json', {}, app.env);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(document);
    }
    expect(generate).toHaveBeenCalledTimes(1);
  });

  it('declares the bearer scheme and requires it on every route but the public ones', () => {
    expect(document.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (PUBLIC.has(key)) expect(operation.security, key).toBeUndefined();
        else expect(operation.security, key).toEqual([{ bearerAuth: [] }]);
      }
    }
  });

  it('documents problem+json error responses, 500 and 503 on every route', () => {
    expect(document.components.schemas.Problem).toBeDefined();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        // Health answers its own document when not ready; the others touch no database.
        if (key.startsWith('GET /api/health') || NO_DATABASE.has(key)) {
          continue;
        }
        for (const status of ['500', '503']) {
          const content = operation.responses?.[status]?.content ?? {};
          expect(Object.keys(content), `${key} ${status}`).toContain('application/problem+json');
        }
      }
    }
  });

  it('names request and response schemas as components', () => {
    for (const name of [
      'Workshop',
      'WorkshopDetail',
      'CreateWorkshop',
      'Step',
      'PutStepOutput',
      'BuildPack',
      'BuildPackDocument',
    ]) {
      expect(document.components.schemas[name], name).toBeDefined();
    }
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (schema) expect(JSON.stringify(schema), `${method} ${path}`).toMatch(/#\/components\/schemas\//);
      }
    }
  });
});
