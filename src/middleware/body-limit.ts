import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ApiError } from '../lib/api-error';

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
export const STEP_OUTPUT_LIMIT_BYTES = 256 * 1024;
/** Room for the `{"output": …}` envelope and whitespace around an output that is itself within its limit. */
const STEP_OUTPUT_BODY_LIMIT_BYTES = STEP_OUTPUT_LIMIT_BYTES + 4 * 1024;

const tooLarge = (limit: number) => () => {
  throw new ApiError('payload_too_large', `The request body is larger than ${limit} bytes.`, {
    extensions: { limitBytes: limit },
  });
};

const defaultLimit = bodyLimit({ maxSize: DEFAULT_BODY_LIMIT_BYTES, onError: tooLarge(DEFAULT_BODY_LIMIT_BYTES) });
const stepOutputLimit = bodyLimit({
  maxSize: STEP_OUTPUT_BODY_LIMIT_BYTES,
  onError: tooLarge(STEP_OUTPUT_LIMIT_BYTES),
});

const STEP_OUTPUT_PATH = /^\/api\/workshops\/[^/]+\/steps\/[^/]+\/output$/;

/** Counts the bytes actually read, so a chunked body or a lying Content-Length gets the same 413. */
export const bodyLimits = createMiddleware<AppEnv>((c, next) =>
  STEP_OUTPUT_PATH.test(c.req.path) ? stepOutputLimit(c, next) : defaultLimit(c, next),
);
