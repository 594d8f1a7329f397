/*
 * The app under test, in a process of its own as in production (spawned by bench/environment.ts): its
 * port serves `app.fetch` exactly as scripts/dev.ts does (configuration from process.env).
 * Prints one JSON line `{"ready":true}` when it listens; exits on SIGTERM/SIGINT or when stdin closes.
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

const port = Number(required('BENCH_PORT'));
const app = createApp();
const server = await new Promise<Server>((resolve) => {
  const listening = serveNode({ fetch: app.fetch, hostname: HOST, port }, () => resolve(listening));
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
