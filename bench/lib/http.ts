import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface BenchRequest {
  method: string;
  /** Path and query, e.g. `/api/workshops?limit=20`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON when an object, as is when a string. */
  body?: unknown;
}

export interface BenchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Wall-clock milliseconds from sending to the last byte of the body. */
  ms: number;
}

/** A keep-alive HTTP/1.1 client for one origin: the same client drives every loopback measurement. */
export class HttpClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, maxSockets = 16) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  }

  send(req: BenchRequest): Promise<BenchResponse> {
    const payload =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string> = { ...req.headers };
    if (payload !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent: this.#agent,
          host: this.#host,
          port: this.#port,
          method: req.method,
          path: req.path,
          headers,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              body: Buffer.concat(chunks),
              ms: performance.now() - started,
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Sends and insists on one of the expected statuses; the error names the route and the answer. */
  async expect(req: BenchRequest, statuses: readonly number[]): Promise<BenchResponse> {
    const response = await this.send(req);
    if (!statuses.includes(response.status)) {
      const detail = response.body.toString('utf8').slice(0, 300);
      throw new Error(
        `${req.method} ${req.path} answered ${response.status}, expected ${statuses.join('/')}: ${detail}`,
      );
    }
    return response;
  }

  async json<T>(req: BenchRequest, statuses: readonly number[] = [200]): Promise<T> {
    const response = await this.expect(req, statuses);
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}

export function header(response: BenchResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Runs `worker(i)` for i in [0, count) with at most `limit` in flight. */
export async function inParallel<T>(
  count: number,
  limit: number,
  worker: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, count) }, async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      results[index] = await worker(index);
    }
  });
  await Promise.all(lanes);
  return results;
}
