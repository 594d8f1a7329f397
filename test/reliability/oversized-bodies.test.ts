/**
 * Bodies over the limit, however they arrive (honest length, chunked, lying length, byte by byte on one
 * connection): 413 each, nothing written, and the connection still usable where HTTP allows it.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRouteFixture,
  DEFAULT_BODY_LIMIT_BYTES,
  type RouteFixture,
  STEP_OUTPUT_BODY_LIMIT_BYTES,
  STEP_OUTPUT_LIMIT_BYTES,
  stepOutputPath,
} from '../support/fuzz-routes';
import { expectProblem } from '../support/problem';
import { createTestApp, type TestApp } from '../support/test-app';
import { nodeOnly } from '../support/test-target';
import { fingerprint, type Headers } from './support';

let app: TestApp;
let fixture: RouteFixture;
let baseUrl: string;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'pro:999999', DB_TIMEOUT_MS: '30000' });
  fixture = await createRouteFixture(app);
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
    stepOutputPath(fixture),
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
      await app.request(stepOutputPath(fixture), {
        method: 'PUT',
        ...deliver(text, 'honest', fixture.headers),
      }),
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
