import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { it } from 'vitest';
import { createTestApp } from '../support/test-app';

it('chunked over real http', async () => {
  const app = await createTestApp();
  const env = app.env;
  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const s = serve({ fetch: (r) => app.app.fetch(r, env), hostname: '127.0.0.1', port: 0 }, () => ready(s));
  });
  const port = (server.address() as AddressInfo).port;
  const headers = { ...(await app.as('user_x')), 'Content-Type': 'application/json' };
  for (const mode of ['chunked', 'honest']) {
    await new Promise<void>((done) => {
      const size = 300_000;
      const req = request({ host: '127.0.0.1', port, path: '/api/workshops', method: 'POST', headers: mode === 'honest' ? { ...headers, 'Content-Length': String(size) } : headers });
      req.on('response', (res) => { let t = ''; res.on('data', (d) => { t += d; }); res.on('end', () => { console.log(mode, 'response', res.statusCode, t.slice(0, 120)); done(); }); res.on('error', (e) => { console.log(mode, 'res error', String(e)); done(); }); });
      req.on('error', (e) => { console.log(mode, 'req error', String(e)); done(); });
      let sent = 0;
      const write = () => { while (sent < size) { sent += 8192; if (!req.write('x'.repeat(8192))) { req.once('drain', write); return; } } req.end(); };
      write();
    });
  }
  await new Promise<void>((d) => server.close(() => d()));
  await app.close();
});
