/**
 * A pass-through HTTP proxy in front of the local SQL endpoint that can drop the next N requests (the
 * connection is destroyed without an answer, like the endpoint's `refuse`) or lose their answers after
 * they committed (like its `cutBody`), and counts what it saw.
 * It exists because the endpoint's faults stay on until cleared, so only a count here gives "refused once,
 * then fine" without racing the retry, which is what a retry test needs.
 */
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlakyProxy {
  /** http://127.0.0.1:PORT/sql — give it to the app as NEON_SQL_ENDPOINT. */
  url: string;
  /** Where requests go once let through; set after the endpoint exists. */
  setTarget(url: string): void;
  /** The next `count` requests are dropped without an answer. */
  dropNext(count: number): void;
  /**
   * The next `count` requests reach the database (and commit), but their answers are lost: the
   * connection is destroyed once the endpoint has answered.
   */
  loseAnswerOfNext(count: number): void;
  /** Requests received (dropped or forwarded). */
  seen(): number;
  close(): Promise<void>;
}

export async function startFlakyProxy(): Promise<FlakyProxy> {
  let target: URL | undefined;
  let toDrop = 0;
  let toLose = 0;
  let seen = 0;
  const server = createServer((request, response) => {
    seen++;
    if (toDrop > 0 || !target) {
      toDrop = Math.max(0, toDrop - 1);
      request.socket.destroy();
      return;
    }
    const loseAnswer = toLose > 0;
    toLose = Math.max(0, toLose - 1);
    const upstream = forward(
      {
        host: target.hostname,
        port: target.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        if (loseAnswer) {
          answer.resume();
          answer.on('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    // The endpoint dropped the request (its own `refuse`, or it closed): drop ours the same way.
    upstream.on('error', () => request.socket.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sql`,
    setTarget: (url) => {
      target = new URL(url);
    },
    dropNext: (count) => {
      toDrop = count;
    },
    loseAnswerOfNext: (count) => {
      toLose = count;
    },
    seen: () => seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
