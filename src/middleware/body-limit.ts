import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ApiError } from '../http/api-error';
import { policyOf } from '../http/route-policy';

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * How much of a refused body is still read (and thrown away) before the 413 goes out. workerd closes a
 * keep-alive connection whose request body was left unread, cancelled or not, and the client's next request
 * on it fails (through `wrangler dev`, as a 503 "Your worker restarted mid-request"); reading the body to its
 * end keeps the connection usable. Past this bound the body is cancelled instead: a client that sends that
 * much more than any route accepts loses its connection rather than the Worker reading without end.
 */
export const REFUSED_BODY_DRAIN_BYTES = 8 * 1024 * 1024;

const tooLarge = (limit: number) =>
  new ApiError('payload_too_large', `The request body is larger than ${limit} bytes.`, {
    extensions: { limitBytes: limit },
  });

/** Reads the rest of a refused body without keeping it, up to REFUSED_BODY_DRAIN_BYTES in all. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number) {
  let size = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > REFUSED_BODY_DRAIN_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away mid-body: there is no connection left to keep.
  }
}

/** The whole body, read from the stream chunk by chunk and refused as soon as it exceeds the limit. */
async function readAtMost(body: ReadableStream<Uint8Array>, limit: number, reported: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discardRest(reader, size);
      throw tooLarge(reported);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Counts the bytes actually read, whatever Content-Length says: hono's bodyLimit trusts an honest-looking
 * header, so a body longer than its declared length got through whenever the runtime did not cut it.
 * An oversized declared length is refused without keeping anything. A body of declared length is read in
 * one go (on Node straight from the socket, as the runtime frames it by that length); one without a
 * length is read as a stream and given up at the limit.
 */
export const bodyLimits = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const declared = policyOf(c).body;
  const reported = declared?.limitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const limit = reported + (declared?.envelopeBytes ?? 0);

  const length = Number(c.req.header('Content-Length') ?? Number.NaN);
  if (Number.isFinite(length) && length > limit) {
    const body = c.req.raw.body;
    if (body && length <= REFUSED_BODY_DRAIN_BYTES) await discardRest(body.getReader(), 0);
    throw tooLarge(reported);
  }

  if (Number.isFinite(length)) {
    // Read through c.req, which keeps the bytes for the validators' c.req.json().
    if ((await c.req.arrayBuffer()).byteLength > limit) throw tooLarge(reported);
    return next();
  }
  const body = c.req.raw.body;
  if (!body) return next();
  const bytes = await readAtMost(body, limit, reported);
  const headers = new Headers(c.req.raw.headers);
  headers.set('Content-Length', String(bytes.byteLength));
  headers.delete('Transfer-Encoding');
  // A fresh Request rather than a copy of the original: some adapters' request objects cannot be cloned.
  c.req.raw = new Request(c.req.url, {
    method: c.req.method,
    headers,
    body: bytes,
    signal: c.req.raw.signal,
  });
  return next();
});
