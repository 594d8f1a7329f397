/**
 * Hostile input (docs/api.md "Bad input", docs/quality.md reliability rows): bodies over the limit however they
 * arrive, malformed JSON, wrong content types, odd ids in every path parameter of every route, NUL in
 * every string field, absurd nesting and key counts, Unicode that must round-trip byte for byte, and
 * numbers JSON can write but not every reader can hold. Never a 500; nothing written when refused.
 *
 * Protections guarded (names in brackets): src/middleware/body-limit.ts (declared length, counted bytes),
 * the validation hook in src/lib/create-router.ts (400 problem, param → 404), src/schemas/common.ts
 * userText (NUL, bounds), src/lib/json-output.ts (depth, NUL keys, non-finite numbers).
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema } from '../support/fuzz-arbitraries';
import { resolve } from '../support/fuzz-arbitraries';
import {
  allRouteKeys,
  type BodyRoute,
  bodyRoutes,
  createRouteFixture,
  DEFAULT_BODY_LIMIT_BYTES,
  fillPath,
  headersFor,
  type RouteFixture,
  type RouteKey,
  STEP_OUTPUT_BODY_LIMIT_BYTES,
  STEP_OUTPUT_LIMIT_BYTES,
  splitKey,
  VALID_BODIES,
} from '../support/fuzz-routes';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import { nodeOnly } from '../support/test-target';
import { fingerprint, type Headers, rows } from './support';

let app: TestApp;
let fixture: RouteFixture;
let routes: BodyRoute[];
let components: Record<string, JsonSchema>;
let baseUrl: string;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'pro:999999', DB_TIMEOUT_MS: '30000' });
  fixture = await createRouteFixture(app);
  ({ routes, components } = await bodyRoutes(app));
  baseUrl = await app.listen();
});

afterAll(async () => {
  await app?.close();
});

const encoder = new TextEncoder();
/** Why the tests of a Content-Length that disagrees with the body run on Node only. */
const LYING_LENGTH_IS_IN_PROCESS_ONLY =
  'such a request exists only between in-process callers: over HTTP the runtime frames the body by its ' +
  'Content-Length (workerd cuts the body there) and fetch refuses to send one';
const OUTPUT_PATH = () => fillPath('/api/workshops/{workshopId}/steps/{stepId}/output', fixture.params);

/** `{"originalIdea":"…"}` padded with JSON whitespace to exactly `size` bytes. */
function workshopBodyOf(size: number): string {
  const core = '{"originalIdea":"Exactly at the limit"';
  return `${core}${' '.repeat(size - core.length - 1)}}`;
}

/** `{"output":{"text":"xxx…"}}` of exactly `size` bytes whose output is at most `outputSize` bytes. */
function outputBodyOf(size: number, outputSize = STEP_OUTPUT_LIMIT_BYTES): string {
  const output = `{"text":"${'x'.repeat(outputSize - 11)}"}`;
  const core = `{"output":${output}`;
  if (core.length + 1 > size) return `{"output":{"text":"${'x'.repeat(size - 21)}"}}`;
  return `${core}${' '.repeat(size - core.length - 1)}}`;
}

type Transport = 'honest' | 'chunked' | 'lying';

/** The same bytes, delivered with a true Content-Length, with none (chunks), or with a false small one. */
function deliver(text: string, transport: Transport, headers: Headers): RequestInit & { duplex?: 'half' } {
  const bytes = encoder.encode(text);
  const base = { 'Content-Type': 'application/json', ...headers };
  if (transport === 'honest')
    return { body: bytes, headers: { ...base, 'Content-Length': String(bytes.length) } };
  if (transport === 'lying') return { body: bytes, headers: { ...base, 'Content-Length': '64' } };
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 8 * 1024));
      offset += 8 * 1024;
    },
  });
  return { body, duplex: 'half', headers: base };
}

const LIMITED_ROUTES = (): readonly (readonly [
  string,
  string,
  string,
  (size: number) => string,
  number,
  number,
])[] => [
  [
    'a default route (POST /api/workshops)',
    'POST',
    '/api/workshops',
    workshopBodyOf,
    DEFAULT_BODY_LIMIT_BYTES,
    201,
  ],
  [
    'the step-output route (256 KiB outputs)',
    'PUT',
    OUTPUT_PATH(),
    outputBodyOf,
    STEP_OUTPUT_BODY_LIMIT_BYTES,
    200,
  ],
];

describe('bodies over the limit → 413, however they arrive: the bytes are counted, not the header', () => {
  for (const transport of ['honest', 'chunked', 'lying'] as const) {
    it.skipIf(transport === 'lying' && nodeOnly(LYING_LENGTH_IS_IN_PROCESS_ONLY))(
      `${transport} Content-Length: one byte over → 413 payload_too_large, nothing written; at the limit → accepted`,
      async () => {
        for (const [label, method, path, bodyOf, limit, ok] of LIMITED_ROUTES()) {
          const before = await fingerprint(app);
          const over = await app.request(path, {
            method,
            ...deliver(bodyOf(limit + 1), transport, fixture.headers),
          });
          const problem = await expectProblem(over, 413, 'payload_too_large');
          expect(problem.limitBytes, label).toBe(
            path === '/api/workshops' ? DEFAULT_BODY_LIMIT_BYTES : STEP_OUTPUT_LIMIT_BYTES,
          );
          expect(await fingerprint(app), label).toEqual(before);

          const far = await app.request(path, {
            method,
            ...deliver(bodyOf(limit * 4), transport, fixture.headers),
          });
          await expectProblem(far, 413, 'payload_too_large');

          const at = await app.request(path, {
            method,
            ...deliver(bodyOf(limit), transport, fixture.headers),
          });
          expect(at.status, `${label} at the limit: ${(await at.clone().text()).slice(0, 300)}`).toBe(ok);
        }
      },
    );
  }

  it.skipIf(nodeOnly(LYING_LENGTH_IS_IN_PROCESS_ONLY))(
    'a declared length over the limit is refused before a byte is read, whatever the body [declared-length check]',
    async () => {
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(encoder.encode('{"originalIdea":"small"}'));
          controller.close();
        },
      });
      const response = await app.request('/api/workshops', {
        method: 'POST',
        body,
        duplex: 'half',
        headers: {
          ...fixture.headers,
          'Content-Type': 'application/json',
          'Content-Length': String(10 * 1024 * 1024),
        },
      } as RequestInit);
      await expectProblem(response, 413, 'payload_too_large');
      expect(pulled).toBeLessThanOrEqual(1);
    },
  );

  it('an output over 256 KiB inside a body within the envelope → 413 [route output check]', async () => {
    const text = `{"output":{"text":"${'x'.repeat(STEP_OUTPUT_LIMIT_BYTES)}"}}`;
    expect(text.length).toBeLessThanOrEqual(STEP_OUTPUT_BODY_LIMIT_BYTES);
    await expectProblem(
      await app.request(OUTPUT_PATH(), { method: 'PUT', ...deliver(text, 'honest', fixture.headers) }),
      413,
      'payload_too_large',
    );
  });

  describe("over real HTTP (the runtime's own server on 127.0.0.1: @hono/node-server, or workerd)", () => {
    for (const transport of ['honest', 'chunked'] as const) {
      it(`${transport}: over the limit → 413 on the wire, at the limit → accepted`, async () => {
        for (const [label, method, path, bodyOf, limit, ok] of LIMITED_ROUTES()) {
          // A raw socket: fetch clients that are still uploading report the server's early answer as a reset.
          const over = await rawRequest(method, path, bodyOf(limit + 1), transport, fixture.headers);
          expect(over.status, label).toBe(413);
          expect(over.body).toContain('"code":"payload_too_large"');
          const far = await rawRequest(method, path, bodyOf(limit * 8), transport, fixture.headers);
          expect(far.status, `${label}, 8 × the limit`).toBe(413);

          const at = await fetch(`${baseUrl}${path}`, {
            method,
            ...deliver(bodyOf(limit), transport, fixture.headers),
          });
          expect(at.status, `${label}: ${(await at.clone().text()).slice(0, 200)}`).toBe(ok);
          await at.body?.cancel();
        }
      });
    }

    for (const transport of ['honest', 'chunked'] as const) {
      it(`${transport}: after a 413, the next request on the same keep-alive connection is answered [refused body drained]`, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (const [label, method, path, bodyOf, limit] of LIMITED_ROUTES()) {
            for (const size of [limit + 1, limit * 3, 2 * 1024 * 1024]) {
              const over = await keepAliveRequest(
                agent,
                method,
                path,
                bodyOf(size),
                transport,
                fixture.headers,
              );
              expect(over.status, `${label}, ${size} bytes`).toBe(413);
              const next = await keepAliveRequest(
                agent,
                'POST',
                '/api/workshops',
                JSON.stringify({ originalIdea: `After a ${size}-byte body was refused` }),
                transport,
                fixture.headers,
              );
              expect(
                next.status,
                `${label}: the request after ${size} bytes: ${next.body.slice(0, 200)}`,
              ).toBe(201);
              expect(next.localPort, 'the same connection carried both').toBe(over.localPort);
            }
          }
        } finally {
          agent.destroy();
        }
      });
    }
  });
});

/** One request through a keep-alive agent: its status, its body and the local port of the connection used. */
function keepAliveRequest(
  agent: Agent,
  method: string,
  path: string,
  text: string,
  transport: 'honest' | 'chunked',
  headers: Headers,
): Promise<{ status: number; body: string; localPort: number | undefined }> {
  const bytes = encoder.encode(text);
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(port),
        method,
        path,
        agent,
        headers: {
          'Content-Type': 'application/json',
          ...headers,
          ...(transport === 'honest' ? { 'Content-Length': String(bytes.length) } : {}),
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, localPort: outgoing.socket?.localPort }),
        );
      },
    );
    outgoing.on('error', reject);
    // In pieces, so a chunked body really arrives as many chunks.
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
      outgoing.write(bytes.subarray(offset, offset + 64 * 1024));
    }
    outgoing.end();
  });
}

/** Sends a request byte by byte over a socket and reads the status line and body the server answers. */
function rawRequest(
  method: string,
  path: string,
  text: string,
  transport: 'honest' | 'chunked',
  headers: Headers,
): Promise<{ status: number; body: string }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    let settled = false;
    const settle = () => {
      if (settled) return;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      const headerEnd = received.indexOf('\r\n\r\n');
      if (!match || headerEnd < 0) return;
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(received)?.[1] ?? Number.NaN);
      const body = received.slice(headerEnd + 4);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return;
      settled = true;
      socket.destroy();
      resolve({ status: Number(match[1]), body });
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      settle();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      settle();
      if (!settled) reject(new Error(`no answer; received ${JSON.stringify(received.slice(0, 200))}`));
    });
    const bytes = encoder.encode(text);
    const head = [
      `${method} ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      transport === 'honest' ? `Content-Length: ${bytes.length}` : 'Transfer-Encoding: chunked',
      '',
      '',
    ].join('\r\n');
    socket.write(head);
    let offset = 0;
    const pump = () => {
      while (offset < bytes.length && !socket.destroyed) {
        const piece = bytes.subarray(offset, offset + 16 * 1024);
        offset += piece.length;
        const framed =
          transport === 'honest'
            ? piece
            : Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
        if (!socket.write(framed)) return void socket.once('drain', pump);
      }
      if (transport === 'chunked' && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

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

describe('NUL in any string field → 400 naming the field, nothing written [userText / json-output NUL checks]', () => {
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
      await app.request(OUTPUT_PATH(), { method: 'PUT', ...jsonBody({ output }, fixture.headers) }),
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
    'PUT a step output with %s → refused, nothing written [json-output depth / body limit]',
    async (_, text, status) => {
      const before = await fingerprint(app);
      const response = await app.request(OUTPUT_PATH(), {
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
    const response = await app.request(OUTPUT_PATH(), {
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
    const ok = await app.request(OUTPUT_PATH(), {
      method: 'PUT',
      ...jsonBody({ output: nested(64) }, fixture.headers),
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    await expectProblem(
      await app.request(OUTPUT_PATH(), {
        method: 'PUT',
        ...jsonBody({ output: nested(65) }, fixture.headers),
      }),
      400,
      'validation_failed',
    );
  });
});

const UNICODE: readonly (readonly [string, string])[] = [
  ['emoji with ZWJ sequences, skin tones and flags', '👩‍👩‍👧‍👦 🧑🏽‍🍳 🏳️‍🌈 🇺🇦 👨🏿‍🦽‍➡️'],
  ['right-to-left Arabic with a bidi mark', 'تطبيق يخطط الوجبات\u200f حول نوبات العمل'],
  ['right-to-left Hebrew with embedded LTR', 'אפליקציה ל-iOS לתכנון ארוחות'],
  [
    'combining marks, decomposed (not normalised)',
    'Cafe\u0301 n\u0303 Z\u0324\u0354\u0367\u0311\u0313 a\u0308\u0308',
  ],
  ['precomposed, to tell apart from the decomposed', 'Café ñ ä'],
  ['astral plane and invisible characters', '𝒜𝔅𝕮 𠜎𠜱 \u{1F9EA} \u00a0\u2060\u200b\u200d end'],
];

async function dbBytes(sql: string, params: unknown[]): Promise<Buffer> {
  const [row] = await rows<{ bytes: Buffer }>(app, sql, params);
  return row?.bytes ?? Buffer.alloc(0);
}

const sameBytes = (actual: string | Buffer | undefined, expected: string) =>
  Buffer.isBuffer(actual)
    ? actual.equals(Buffer.from(expected, 'utf8'))
    : Buffer.from(actual ?? '', 'utf8').equals(Buffer.from(expected, 'utf8'));

describe('Unicode round-trips byte for byte', () => {
  it.each(UNICODE)('%s: workshop title, build pack title, step output keys and values', async (_, text) => {
    const headers = fixture.headers;
    // Workshop title (create and patch): the answer, a read, and the bytes Postgres holds.
    const created = await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: `${text}\n${text}`, title: text }, headers),
    });
    const workshop = (await created.json()) as { id: string; title: string; originalIdea: string };
    expect(sameBytes(workshop.title, text)).toBe(true);
    expect(sameBytes(workshop.originalIdea, `${text}\n${text}`)).toBe(true);
    expect(
      sameBytes(
        await dbBytes("select convert_to(title, 'UTF8') as bytes from workshops where id = $1", [
          workshop.id,
        ]),
        text,
      ),
    ).toBe(true);
    const patched = await app.request(`/api/workshops/${workshop.id}`, {
      method: 'PATCH',
      ...jsonBody({ title: `${text}·` }, headers),
    });
    expect(sameBytes(((await patched.json()) as { title: string }).title, `${text}·`)).toBe(true);

    // Build pack title.
    const pack = (await (
      await app.request(`/api/workshops/${workshop.id}/build-packs`, {
        method: 'POST',
        ...jsonBody({ format: 'json', title: text }, headers),
      })
    ).json()) as { id: string; title: string };
    expect(sameBytes(pack.title, text)).toBe(true);
    const readPack = (await (
      await app.request(`/api/workshops/${workshop.id}/build-packs/${pack.id}`, { headers })
    ).json()) as { title: string };
    expect(sameBytes(readPack.title, text)).toBe(true);
    expect(
      sameBytes(
        await dbBytes("select convert_to(title, 'UTF8') as bytes from build_packs where id = $1", [pack.id]),
        text,
      ),
    ).toBe(true);

    // Step output: as a value, as a key, nested.
    const output = { [text]: text, nested: { list: [text, { [text]: [text] }] } };
    const saved = await app.request(`/api/workshops/${workshop.id}/steps/challenge/output`, {
      method: 'PUT',
      ...jsonBody({ output }, headers),
    });
    expect(saved.status).toBe(200);
    const read = (await (
      await app.request(`/api/workshops/${workshop.id}/steps/challenge`, { headers })
    ).json()) as { output: Record<string, unknown> };
    expect(read.output).toEqual(output);
    expect(sameBytes(String(read.output[text]), text)).toBe(true);
    const [stored] = await rows<{ value: string; key_bytes: Buffer }>(
      app,
      `select output ->> $2 as value,
         (select convert_to(k, 'UTF8') from json_object_keys(output) k where k <> 'nested') as key_bytes
         from workshop_steps where workshop_id = $1 and step_id = 'challenge'`,
      [workshop.id, text],
    );
    expect(sameBytes(stored?.value, text)).toBe(true);
    expect(sameBytes(stored?.key_bytes, text)).toBe(true);
  });
});

describe('numbers at and beyond what JSON readers hold, in step outputs → stored or refused cleanly', () => {
  it.each([
    ['1e308', '1e308'],
    ['the largest double', '1.7976931348623157e308'],
    ['1e400 (Infinity to JavaScript)', '1e400'],
    ['-1e400', '-1e400'],
    ['-0', '-0'],
    ['1e-400 (underflows to 0)', '1e-400'],
    ['the smallest subnormal', '5e-324'],
    ['a 30-digit integer', '123456789012345678901234567890'],
    ['an exponent with 5 digits', '0.1e-99999'],
  ])('%s', async (_, raw) => {
    const before = await fingerprint(app);
    const response = await app.request(OUTPUT_PATH(), {
      method: 'PUT',
      body: `{"output":{"n":${raw},"list":[${raw}]}}`,
      headers: { ...fixture.headers, 'Content-Type': 'application/json' },
    });
    const text = await response.text();
    expect([200, 400], text).toContain(response.status);
    const expected = JSON.parse(raw) as number;
    if (response.status === 400) {
      expect(Number.isFinite(expected), `${raw} refused although JavaScript reads it as ${expected}`).toBe(
        false,
      );
      expect((JSON.parse(text) as { code: string }).code).toBe('validation_failed');
      expect(await fingerprint(app)).toEqual(before);
      return;
    }
    expect(Number.isFinite(expected), `${raw} (${expected}) was stored`).toBe(true);
    // What the client reads back is what JavaScript made of what it sent (-0 becomes 0 in JSON).
    const read = (await (
      await app.request(fillPath('/api/workshops/{workshopId}/steps/{stepId}', fixture.params), {
        headers: fixture.headers,
      })
    ).json()) as { output: { n: number; list: number[] } };
    expect(read.output.n).toBe(expected === 0 ? 0 : expected);
    expect(read.output.list).toEqual([expected === 0 ? 0 : expected]);
  });
});
