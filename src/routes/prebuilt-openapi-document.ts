import type { OpenApiDocument } from './openapi';

/**
 * The OpenAPI document as generated when the bundle was built, or undefined where the app generates it
 * from its schemas on first request (Node, Vercel, tests). scripts/build-worker.ts replaces this module in
 * the Worker bundle with one that loads the document it generated from this very source, so the Worker
 * serves the same bytes without carrying the document generator (a fifth of what it loads at start-up).
 */
export async function loadPrebuiltOpenApiDocument(): Promise<OpenApiDocument | undefined> {
  return undefined;
}
