import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ApiError } from '../lib/api-error';

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
export const STEP_OUTPUT_LIMIT_BYTES = 256 * 1024;
/** Room for the `{"output": …}` envelope and whitespace around an output that is itself within its limit. */
const STEP_OUTPUT_BODY_LIMIT_BYTES = STEP_OUTPUT_LIMIT_BYTES + 4 * 1024;

const STEP_OUTPUT_PATH = /^\/api\/workshops\/[^/]+\/steps\/[^/]+\/output$/;

const tooLarge = (limit: number) =>
  new ApiError('payload_too_large', `The request body is larger than ${limit} bytes.`, {
    extensions: { limitBytes: limit },
  });

/**
 * Counts the bytes actually read, whatever Content-Length says: hono's bodyLimit trusts an honest-looking
 * header, so a body longer than its declared length got through whenever the runtime did not cut it.
 * An oversized declared length is refused before reading anything.
 */
export const bodyLimits = createMiddleware<AppEnv>(async (c, next) => {
  const body = c.req.raw.body;
  if (!body) return next();
  const isStepOutput = STEP_OUTPUT_PATH.test(c.req.path);
  const limit = isStepOutput ? STEP_OUTPUT_BODY_LIMIT_BYTES : DEFAULT_BODY_LIMIT_BYTES;
  const reported = isStepOutput ? STEP_OUTPUT_LIMIT_BYTES : DEFAULT_BODY_LIMIT_BYTES;

  const declared = Number(c.req.header('Content-Length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(reported);

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(reported);
    }
    chunks.push(value);
  }
  const buffer = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    buffer.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set('Content-Length', String(size));
  headers.delete('Transfer-Encoding');
  // A fresh Request rather than a copy of the original: some adapters' request objects cannot be cloned.
  c.req.raw = new Request(c.req.url, {
    method: c.req.method,
    headers,
    body: buffer,
    signal: c.req.raw.signal,
  });
  return next();
});
