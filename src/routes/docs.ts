import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { createRouter } from '../http/create-router';
import { serverErrorResponse } from '../schemas/common';
import { publicRoute } from './route-kinds';

export const OPENAPI_DOCUMENT_PATH = '/api/openapi.json';
/** Copied out of node_modules by scripts/copy-static-assets.mjs and served from ./public, never from a CDN. */
export const SCALAR_SCRIPT_PATH = '/assets/scalar/standalone.js';

/**
 * Scalar's options for a page that must work without internet: no web fonts from Scalar's font host, no
 * telemetry, no AI agent, no developer toolbar linking out to Scalar's services. The API is small enough
 * to show every tag expanded.
 */
const SCALAR_CONFIGURATION = {
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: 'never',
  documentDownloadType: 'json',
  defaultOpenAllTags: true,
} as const;

/**
 * Scalar injects its stylesheet as a <style> element and sets style attributes, hence 'unsafe-inline' for
 * styles; it starts a module worker and previews responses from blob: URLs. Its configuration travels in
 * data attributes, so no inline script needs allowing.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const escapeAttribute = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>workshop-api · API reference</title>
  </head>
  <body>
    <noscript>This page needs JavaScript. The OpenAPI document itself is at <a href="${OPENAPI_DOCUMENT_PATH}">${OPENAPI_DOCUMENT_PATH}</a>.</noscript>
    <script id="api-reference" type="application/json" data-url="${OPENAPI_DOCUMENT_PATH}" data-configuration="${escapeAttribute(JSON.stringify(SCALAR_CONFIGURATION))}"></script>
    <script src="${SCALAR_SCRIPT_PATH}"></script>
  </body>
</html>
`;

const docsRoute = publicRoute({
  method: 'get',
  path: '/docs',
  operationId: 'getApiReference',
  tags: ['meta'],
  summary: 'Interactive API reference for this document (Scalar), served entirely from this origin',
  description:
    `An HTML page that renders \`${OPENAPI_DOCUMENT_PATH}\` with Scalar's API reference. Its script is served ` +
    `from \`${SCALAR_SCRIPT_PATH}\` on this origin, so the page works without internet access.`,
  responses: {
    200: {
      description: 'The API reference page',
      content: { 'text/html': { schema: z.string().openapi({ example: '<!doctype html>…' }) } },
    },
    ...serverErrorResponse,
  },
});

export const docsRoutes = createRouter().openapi(docsRoute, (c) => {
  c.header('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  c.header('Cache-Control', 'no-cache');
  return c.html(DOCS_HTML, 200);
});

/**
 * `/api/docs/` is how the page's address is often typed: a redirect, not a second route. Routing stays
 * strict everywhere else: a path normalised from `…/steps/..` must never answer as its parent.
 */
export const docsWithTrailingSlash = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
  return c.redirect('/api/docs', 301);
});
