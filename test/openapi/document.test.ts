import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import { OpenApiContract } from '../support/openapi-contract';
import { createTestApp, type TestApp } from '../support/test-app';

type Operation = {
  operationId?: string;
  tags?: string[];
  parameters?: { in: string; name: string }[];
  responses?: Record<
    string,
    { content?: Record<string, unknown>; headers?: Record<string, { required?: boolean }> }
  >;
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
};
type OpenApiDocument = {
  openapi: string;
  info: { license?: { name: string }; contact?: { name?: string } };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
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

/** Called by Clerk's servers, which carry its webhook signature instead of a session token. */
const SIGNED_BY_CLERK = new Set(['POST /api/webhooks/clerk']);
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

function eachOperation(): [key: string, operation: Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

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

  it('declares the bearer scheme, requires it on every route but the public ones and Clerk’s webhook, and says `security: []` on the public ones', () => {
    expect(document.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes?.clerkWebhookSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'svix-signature',
    });
    for (const [key, operation] of eachOperation()) {
      if (PUBLIC.has(key)) expect(operation.security, key).toEqual([]);
      else if (SIGNED_BY_CLERK.has(key))
        expect(operation.security, key).toEqual([{ clerkWebhookSignature: [] }]);
      else expect(operation.security, key).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('gives every operation a unique camelCase operationId, starting with a verb', () => {
    const ids = eachOperation().map(([key, operation]) => {
      expect(operation.operationId, key).toMatch(
        /^(list|get|create|update|delete|put|remove|save|complete|end|share|unshare|receive)[A-Z][A-Za-z]*$/,
      );
      return operation.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes every tag an operation uses, and names a server, a contact and a license', () => {
    const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description ?? '']));
    for (const [key, operation] of eachOperation()) {
      expect(operation.tags?.length, key).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(declared.get(tag), `${key}: tag ${tag}`).toMatch(/\w/);
    }
    expect(document.servers?.[0]?.url).toBe('/');
    expect(document.info.contact?.name).toMatch(/\w/);
    expect(document.info.license?.name).toMatch(/\w/);
  });

  it('documents the answers every route of its kind can give, with the headers they carry', () => {
    for (const [key, operation] of eachOperation()) {
      const statuses = Object.keys(operation.responses ?? {});
      const expected: string[] = [];
      if (operation.requestBody) expected.push('400', '413', '415');
      if (!key.startsWith('GET ')) expected.push('413');
      if (operation.parameters?.some((parameter) => parameter.in === 'path')) expected.push('404');
      if (operation.parameters?.some((parameter) => parameter.in === 'query')) expected.push('400');
      if (operation.security?.some((scheme) => Object.hasOwn(scheme as object, 'bearerAuth')))
        expected.push('401');
      for (const status of expected) expect(statuses, `${key} documents ${status}`).toContain(status);
      const header = (status: string, name: string) =>
        operation.responses?.[status]?.headers?.[name]?.required;
      if (statuses.includes('401')) expect(header('401', 'WWW-Authenticate'), key).toBe(true);
      if (operation.responses?.['503']?.content?.['application/problem+json']) {
        expect(header('503', 'Retry-After'), key).toBe(true);
      }
      // A PUT creates at the URL it was sent to; a POST must say where.
      if (key.startsWith('POST ') && statuses.includes('201'))
        expect(header('201', 'Location'), key).toBe(true);
      if (statuses.includes('304')) expect(header('304', 'ETag'), key).toBe(true);
    }
  });

  it('types a step output in an answer as StepOutput or null, which generators turn into `StepOutput | null`', () => {
    const nullableOutput = { anyOf: [{ $ref: '#/components/schemas/StepOutput' }, { type: 'null' }] };
    const schemas = document.components.schemas as Record<
      string,
      {
        allOf?: { properties?: Record<string, unknown> }[];
        properties?: Record<string, { items?: { properties?: Record<string, unknown> } }>;
      }
    >;
    expect(schemas.StepWithOutput?.allOf?.[1]?.properties?.output).toMatchObject(nullableOutput);
    expect(schemas.SharedStep?.properties?.output).toMatchObject(nullableOutput);
    expect(schemas.StepContext?.properties?.earlierSteps?.items?.properties?.output).toMatchObject(
      nullableOutput,
    );
  });

  it('refuses, in its request schemas, the bodies the app refuses: empty PATCHes and blank text', async () => {
    const contract = new OpenApiContract(document as never);
    const refused: [method: string, template: string, body: unknown][] = [
      ['PATCH', '/api/workshops/{workshopId}', {}],
      ['PATCH', '/api/workshops/{workshopId}', { title: ' \t\n ' }],
      ['PATCH', '/api/step-definitions/{stepId}', {}],
      ['PATCH', '/api/step-definitions/{stepId}', { name: '\u00a0' }],
      ['POST', '/api/workshops', { originalIdea: '   ' }],
      ['POST', '/api/workshops', { originalIdea: '' }],
    ];
    for (const [method, template, body] of refused) {
      expect(
        contract.requestBodyErrors(method, template, body),
        `${method} ${template} ${JSON.stringify(body)}`,
      ).not.toEqual([]);
    }
    expect(contract.requestBodyErrors('PATCH', '/api/workshops/{workshopId}', { title: ' ok ' })).toEqual([]);

    const headers = { ...(await app.as('user_document')), 'Content-Type': 'application/json' };
    const created = await app.request('/api/workshops', {
      method: 'POST',
      headers,
      body: JSON.stringify({ originalIdea: 'Idea' }),
    });
    const { id } = (await created.json()) as { id: string };
    for (const body of [{}, { title: ' \t\n ' }]) {
      const response = await app.request(`/api/workshops/${id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify(body),
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    for (const originalIdea of ['   ', '']) {
      const response = await app.request('/api/workshops', {
        method: 'POST',
        headers,
        body: JSON.stringify({ originalIdea }),
      });
      expect(response.status, JSON.stringify(originalIdea)).toBe(400);
    }
  });

  it('documents problem+json error responses, 500 and 503 on every route', () => {
    expect(document.components.schemas.Problem).toBeDefined();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        // Liveness answers even when misconfigured; health answers its own document when not ready; the
        // others touch no database, so only a misconfigured server (500) can fail them.
        if (key === 'GET /api/health/live') continue;
        if (key === 'GET /api/health' || NO_DATABASE.has(key)) {
          expect(Object.keys(operation.responses?.['500']?.content ?? {}), key).toContain(
            'application/problem+json',
          );
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
