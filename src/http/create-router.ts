import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from '../app-env';
import type { FieldError } from '../schemas/problems';
import { ApiError } from './api-error';

export function toFieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Every router is made here so that the validation hook reaches mounted routers too
 * (a hook set on the parent app does not).
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      // An id of the wrong shape names nothing that exists: the same answer as a missing id.
      if (result.target === 'param') throw new ApiError('not_found', 'The resource was not found.');
      throw new ApiError('validation_failed', 'The request is not valid.', {
        errors: toFieldErrors(result.error),
      });
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;
