/**
 * The Node server (npm run dev, the benchmarks) bounds how long a client may take to send a request, so a
 * client trickling its body cannot hold a connection and a waiting handler open for Node's default 300 s.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_SERVER_TIMEOUTS, serveNode } from '../../scripts/node-server';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A handler that waits for the whole body, as every JSON route does. */
const readsBody = async (request: Request) => new Response(`read ${(await request.text()).length} bytes`);

function listen(timeouts = { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 }) {
  return new Promise<number>((resolve) => {
    server = serveNode({ fetch: readsBody, hostname: '127.0.0.1', port: 0, timeouts }, (info) =>
      resolve(info.port),
    );
  });
}

/** Sends the headers and the first bytes of a 1 KiB body, then nothing more; resolves with what came back once the server closes. */
function trickle(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(head);
  });
}

describe('the Node server', () => {
  it('uses 10 s for headers and 30 s for the whole request, checked every second', async () => {
    await listen(NODE_SERVER_TIMEOUTS);
    expect(server?.headersTimeout).toBe(10_000);
    expect(server?.requestTimeout).toBe(30_000);
    expect(NODE_SERVER_TIMEOUTS.connectionsCheckingInterval).toBe(1_000);
  });

  it('cuts off a client that stops sending its body half way (408, connection closed)', async () => {
    const port = await listen();
    const answer = await trickle(
      port,
      'POST /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1024\r\n\r\n{"a":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it('cuts off a client that never finishes its headers (408, connection closed)', async () => {
    const port = await listen();
    const answer = await trickle(port, 'GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);
});
