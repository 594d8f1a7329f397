/**
 * Hostile input: malformed JSON, wrong content types, odd ids in every path parameter of every route, NUL in
 * every string field, absurd nesting and key counts. Never a 500; nothing written when refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema } from '../support/fuzz-arbitraries';
import { resolve } from '../support/fuzz-arbitraries';
import {
  allRouteKeys,
  type BodyRoute,
  bodyRoutes,
  createRouteFixture,
  fillPath,
  headersFor,
  type RouteFixture,
  type RouteKey,
  splitKey,
  stepOutputPath,
} from '../support/fuzz-routes';
import { expectProblem } from '../support/problem';
import { VALID_BODIES } from '../support/route-catalogue';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import { fingerprint, type Headers } from './support';

let app: TestApp;
let fixture: RouteFixture;
let routes: BodyRoute[];
let components: Record<string, JsonSchema>;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'pro:999999', DB_TIMEOUT_MS: '30000' });
  fixture = await createRouteFixture(app);
  ({ routes, components } = await bodyRoutes(app));
});

afterAll(async () => {
  await app?.close();
});

describe('malformed JSON and wrong content types', () => {
  const MALFORMED = [
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    'NaN',
    '[1,2',
    '{"a":1}{"b":2}',
    'undefined',
    '',
    '{"a":"\u0000"}',
    '{"a":01}',
    '{"a":"\\x41"}',
  ];

  it('malformed JSON → 400 malformed_json on every body route, nothing written', async () => {
    const before = await fingerprint(app);
    for (const route of routes) {
      for (const text of MALFORMED) {
        const response = await app.request(fillPath(route.path, fixture.params), {
          method: route.method,
          body: text,
          headers: { ...headersFor(app, route.key, fixture, text), 'Content-Type': 'application/json' },
        });
        const body = await expectProblem(response, 400, 'malformed_json').catch((error: unknown) => {
          throw new Error(`${route.key} with ${JSON.stringify(text)}: ${String(error)}`);
        });
        expect(body.code).toBe('malformed_json');
      }
    }
    expect(await fingerprint(app)).toEqual(before);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['XML', 'application/xml'],
    ['none', undefined],
  ])('a valid JSON body sent as %s → 415 (or 400) on every body route, nothing written', async (_, type) => {
    const before = await fingerprint(app);
    for (const route of routes) {
      const body = JSON.stringify(VALID_BODIES[route.key]);
      const headers: Headers = { ...headersFor(app, route.key, fixture, body) };
      if (type) headers['Content-Type'] = type;
      const response = await app.request(fillPath(route.path, fixture.params), {
        method: route.method,
        body,
        headers,
      });
      const text = await response.text();
      expect([400, 415], `${route.key} as ${type}: ${text}`).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await fingerprint(app)).toEqual(before);
  });
});

describe('odd ids in every path parameter of every route → 400/404, never 500', () => {
  const ODD_IDS: readonly (readonly [string, string])[] = [
    ['SQL injection', encodeURIComponent("'; drop table workshops;--")],
    ['an encoded path escape', encodeURIComponent('../../etc/passwd')],
    ['a raw path escape', '../../etc/passwd'],
    ['10 KB', 'a'.repeat(10 * 1024)],
    ['emoji', encodeURIComponent('🙂👩‍👩‍👧')],
    ['%00', '%00'],
    ['NUL inside an id', `ws_${'a'.repeat(10)}%00${'a'.repeat(13)}`],
    ['a lone %', '%'],
    ['broken percent-encoding', '%E0%A4%A'],
    ['dots', '%2e%2e'],
    ['a space', '%20'],
    ['quotes and brackets', encodeURIComponent(`ws_"'<>{}`)],
  ];

  it('every route of the app has been tried with every odd id in every parameter, and nothing was written', async () => {
    const keys = allRouteKeys(app.app);
    const withParams = keys.filter((key) => key.includes('{'));
    expect(withParams.length).toBeGreaterThanOrEqual(15);
    const before = await fingerprint(app);
    const failures: string[] = [];
    let tried = 0;
    for (const key of withParams) {
      const { method, path } = splitKey(key);
      const params = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? '');
      for (const param of params) {
        for (const [label, odd] of ODD_IDS) {
          const filled = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) =>
            name === param ? odd : encodeURIComponent(fixture.params[name] ?? ''),
          );
          const body = VALID_BODIES[key as RouteKey];
          const init: RequestInit =
            body === undefined
              ? { method, headers: fixture.headers }
              : { method, ...jsonBody(body, fixture.headers) };
          const response = await app.request(filled, init);
          const text = await response.text();
          tried++;
          if (
            ![400, 404].includes(response.status) ||
            !response.headers.get('content-type')?.startsWith('application/problem+json')
          ) {
            failures.push(`${key} {${param}} = ${label} → ${response.status} ${text.slice(0, 160)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(200);
    expect(await fingerprint(app)).toEqual(before);
  });
});

/** The string properties of a body schema (after $ref), with whether each is an enum. */
function stringFields(route: BodyRoute): string[] {
  const schema = resolve(route.jsonSchema, components);
  const variants = schema.oneOf ?? [schema];
  const names = new Set<string>();
  for (const variant of variants) {
    for (const [name, property] of Object.entries(resolve(variant, components).properties ?? {})) {
      const resolved = resolve(property, components);
      const types = Array.isArray(resolved.type) ? resolved.type : [resolved.type];
      if (types.includes('string')) names.add(name);
    }
  }
  return [...names];
}

describe('NUL in any string field → 400 naming the field, nothing written', () => {
  it('every string field of every body route', async () => {
    const before = await fingerprint(app);
    let tried = 0;
    for (const route of routes) {
      const base = VALID_BODIES[route.key];
      expect(base, `a VALID_BODIES row for ${route.key}`).toBeDefined();
      for (const field of stringFields(route)) {
        for (const value of ['a\u0000b', '\u0000', `${'x'.repeat(50)}\u0000`]) {
          const body = JSON.stringify({ ...base, [field]: value });
          const response = await app.request(fillPath(route.path, fixture.params), {
            method: route.method,
            ...jsonBody(undefined, headersFor(app, route.key, fixture, body)),
            body,
          });
          const problem = await expectProblem(response, 400, 'validation_failed');
          expect(
            problem.errors?.some((error) => error.path.startsWith(field)),
            `${route.key} ${field}`,
          ).toBe(true);
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThanOrEqual(30);
    expect(await fingerprint(app)).toEqual(before);
  });

  it.each([
    ['a value', { text: 'a\u0000b' }],
    ['a key', { 'a\u0000b': 'value' }],
    ['a value nested deep', { a: [{ b: { c: ['ok', 'no\u0000'] } }] }],
    ['a key nested deep', { a: { b: [{ 'k\u0000': 1 }] } }],
  ])('in a step output: NUL in %s', async (_, output) => {
    const before = await fingerprint(app);
    const problem = await expectProblem(
      await app.request(stepOutputPath(fixture), { method: 'PUT', ...jsonBody({ output }, fixture.headers) }),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(problem.errors)).toMatch(/NUL/);
    expect(await fingerprint(app)).toEqual(before);
  });

  it('a raw (unescaped) NUL byte inside a JSON string is not JSON → 400', async () => {
    const response = await app.request('/api/workshops', {
      method: 'POST',
      body: '{"originalIdea":"raw \u0000 byte"}',
      headers: { ...fixture.headers, 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });
});

describe('absurd structure → 400/413, never 500', () => {
  const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it.each([
    ['arrays 10,000 deep as the whole body', () => deepArrays(10_000)],
    ['objects 10,000 deep as the whole body', () => deepObjects(10_000)],
    ['arrays 10,000 deep in a string field', () => `{"originalIdea":${deepArrays(10_000)}}`],
    ['objects 10,000 deep in a string field', () => `{"originalIdea":${deepObjects(10_000)}}`],
  ])('POST /api/workshops with %s', async (_, text) => {
    const response = await app.request('/api/workshops', {
      method: 'POST',
      body: text(),
      headers: { ...fixture.headers, 'Content-Type': 'application/json' },
    });
    expect([400, 413], await response.clone().text()).toContain(response.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['objects 10,000 deep', () => `{"output":${deepObjects(10_000)}}`, 400],
    ['arrays 10,000 deep', () => `{"output":{"a":${deepArrays(10_000)}}}`, 400],
    ['arrays 100,000 deep (within the byte limit)', () => `{"output":{"a":${deepArrays(100_000)}}}`, 400],
    [
      '50,000 keys',
      () => `{"output":{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',')}}}`,
      413,
    ],
  ])(
    'PUT a step output with %s → refused, nothing written [output depth rule or body limit]',
    async (_, text, status) => {
      const before = await fingerprint(app);
      const response = await app.request(stepOutputPath(fixture), {
        method: 'PUT',
        body: text(),
        headers: { ...fixture.headers, 'Content-Type': 'application/json' },
      });
      expect(response.status, (await response.clone().text()).slice(0, 300)).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await fingerprint(app)).toEqual(before);
    },
  );

  it('an object with 50,000 keys on a default route → 413', async () => {
    const text = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const response = await app.request('/api/workshops', {
      method: 'POST',
      body: text,
      headers: { ...fixture.headers, 'Content-Type': 'application/json' },
    });
    await expectProblem(response, 413, 'payload_too_large');
  });

  it('an output with 20,000 keys within the limit is stored and read back whole', async () => {
    const output = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i.toString(36)}`, i]));
    const response = await app.request(stepOutputPath(fixture), {
      method: 'PUT',
      ...jsonBody({ output }, fixture.headers),
    });
    expect(response.status, (await response.clone().text()).slice(0, 200)).toBe(200);
    const read = await app.request(fillPath('/api/workshops/{workshopId}/steps/{stepId}', fixture.params), {
      headers: fixture.headers,
    });
    expect(((await read.json()) as { output: unknown }).output).toEqual(output);
  });

  it('64 levels of nesting are accepted, 65 refused (the documented bound)', async () => {
    const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });
    const ok = await app.request(stepOutputPath(fixture), {
      method: 'PUT',
      ...jsonBody({ output: nested(64) }, fixture.headers),
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    await expectProblem(
      await app.request(stepOutputPath(fixture), {
        method: 'PUT',
        ...jsonBody({ output: nested(65) }, fixture.headers),
      }),
      400,
      'validation_failed',
    );
  });
});
