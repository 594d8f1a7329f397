/*
 * A pass-through in front of the local SQL-over-HTTP endpoint that records what the driver sends, so the
 * bench can show which statements a route makes and replay exactly the same SQL through the raw driver.
 * Only the app's "capture" port talks to it; every timed request goes to the endpoint directly.
 * It exists because the endpoint's fault injection delays or breaks requests but never records them.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedStatement {
  query: string;
  params: unknown[];
}

export interface CapturedRequest {
  /** One statement, or the statements of one `db.batch` / `sql.transaction`. */
  kind: 'single' | 'batch';
  statements: CapturedStatement[];
  arrayMode: boolean;
  headers: Record<string, string>;
}

export interface CaptureProxy {
  url: string;
  /** Everything recorded since the last call, and forgets it. */
  take(): CapturedRequest[];
  /**
   * When set, runs on each recorded request before it is forwarded, so it sees the database exactly as the
   * request will (bench:scale counts the buffers of the request's statements this way).
   */
  inspect: ((request: CapturedRequest) => Promise<void>) | undefined;
  close(): Promise<void>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toStatement(value: unknown): CapturedStatement {
  if (!isRecord(value) || typeof value.query !== 'string') throw new Error('unexpected SQL-over-HTTP body');
  return { query: value.query, params: Array.isArray(value.params) ? value.params : [] };
}

export function parseCapturedBody(body: string, headers: Record<string, string>): CapturedRequest {
  const parsed: unknown = JSON.parse(body);
  if (!isRecord(parsed)) throw new Error('unexpected SQL-over-HTTP body');
  const arrayMode = headers['neon-array-mode'] === 'true';
  if (Array.isArray(parsed.queries)) {
    return { kind: 'batch', statements: parsed.queries.map(toStatement), arrayMode, headers };
  }
  return { kind: 'single', statements: [toStatement(parsed)], arrayMode, headers };
}

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export async function startCaptureProxy(target: string): Promise<CaptureProxy> {
  let captured: CapturedRequest[] = [];
  let proxy: CaptureProxy | undefined;
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readAll(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))
          headers[name] = value;
      }
      let recorded: CapturedRequest | undefined;
      try {
        recorded = parseCapturedBody(body, headers);
        captured.push(recorded);
      } catch {
        // Not a statement (a control call, garbage): forwarded unrecorded.
      }
      if (recorded && proxy?.inspect) await proxy.inspect(recorded);
      const answer = await fetch(target, { method: request.method ?? 'POST', headers, body });
      const answerBody = Buffer.from(await answer.arrayBuffer());
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name))
          answerHeaders[name] = value;
      });
      response.writeHead(answer.status, answerHeaders);
      response.end(answerBody);
    })().catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  proxy = {
    url: `http://127.0.0.1:${port}/sql`,
    inspect: undefined,
    take: () => {
      const taken = captured;
      captured = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/** `select … from workshops w join …` squeezed onto one line and cut, for a report. */
export function summariseStatement(query: string, max = 90): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
