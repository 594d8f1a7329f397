/*
 * The app under test, in a process of its own as in production (spawned by bench/environment.ts):
 * - the direct port serves `app.fetch` exactly as scripts/dev.ts does (configuration from process.env);
 * - the capture port serves the same app instance with bindings whose NEON_SQL_ENDPOINT is the bench's
 *   recording proxy, used only to see which statements a route sends. Nothing timed goes through it.
 * Prints one JSON line `{"ready":true}` when both listen; exits on SIGTERM/SIGINT or when stdin closes.
 */
import type { Server } from 'node:http';
import { serveNode } from '../scripts/node-server';
import { createApp } from '../src/app';

const HOST = '127.0.0.1';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bench app-server: ${name} is not set`);
  return value;
}

const directPort = Number(required('BENCH_DIRECT_PORT'));
const capturePort = Number(required('BENCH_CAPTURE_PORT'));
const captureEndpoint = required('BENCH_CAPTURE_ENDPOINT');

const captureBindings: Record<string, unknown> = {};
for (const [name, value] of Object.entries(process.env)) {
  if (typeof value === 'string' && !name.startsWith('BENCH_')) captureBindings[name] = value;
}
captureBindings.NEON_SQL_ENDPOINT = captureEndpoint;

const app = createApp();

function listen(port: number, fetch: (request: Request) => Response | Promise<Response>): Promise<Server> {
  return new Promise((resolve) => {
    const server = serveNode({ fetch, hostname: HOST, port }, () => resolve(server));
  });
}

const servers = await Promise.all([
  listen(directPort, app.fetch),
  listen(capturePort, (request) => app.fetch(request, captureBindings)),
]);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
