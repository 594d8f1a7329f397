import { serve } from '@hono/node-server';
import type { TestApp } from '../../support/test-app';

export interface ServedApp {
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

/** The test app served over real HTTP on loopback by @hono/node-server, as `npm run dev` serves it. */
export async function serveOverHttp(app: TestApp): Promise<ServedApp> {
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((ready) => {
    server = serve(
      { fetch: (request) => app.app.fetch(request, app.env), hostname: '127.0.0.1', port: 0 },
      (info) => ready(info.port),
    );
  });
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => (server ? server.close(() => done()) : done())),
  };
}
