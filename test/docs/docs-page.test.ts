import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { type ChromiumLookup, findChromium, runChromium } from '../support/chromium';
import { type DocsServer, docsOnlyEnv, PUBLIC_DIR, serveDocs } from './serve-docs';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ASSET = `${PUBLIC_DIR}/assets/scalar/standalone.js`;

const env = docsOnlyEnv();
const app = createApp();
const getDocs = (headers: Record<string, string> = {}) => app.request('/api/docs', { headers }, env);

function copyStaticAssets(): string {
  return execFileSync(process.execPath, ['scripts/copy-static-assets.mjs'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
}

function cspDirectives(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

type OpenApiPaths = Record<
  string,
  Record<string, { summary?: unknown; responses?: Record<string, unknown> }>
>;

async function openApiPaths(): Promise<OpenApiPaths> {
  const response = await app.request('/api/openapi.json', {}, env);
  expect(response.status).toBe(200);
  const document = (await response.json()) as { paths?: OpenApiPaths };
  return document.paths ?? {};
}

function summaryOf(paths: OpenApiPaths, method: string, path: string): string {
  const summary = paths[path]?.[method]?.summary;
  if (typeof summary !== 'string')
    throw new Error(`${method.toUpperCase()} ${path} has no summary in the document`);
  return summary;
}

const asHtmlText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

describe('GET /api/docs', () => {
  it('answers 200 text/html to an anonymous browser, without redirecting', async () => {
    const response = await getDocs({ Accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(response.headers.get('Location')).toBeNull();
  });

  it('ignores a bad bearer token: the page is public', async () => {
    const response = await getDocs({ Accept: 'text/html', Authorization: 'Bearer not-a-token' });
    expect(response.status).toBe(200);
  });

  it('loads no script or stylesheet from another origin', async () => {
    const html = await (await getDocs()).text();
    expect(html).not.toMatch(/https?:\/\//i);
    const sources = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"/gi)].map(
      (match) => match[1],
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toMatch(/^\/(?!\/)/);
  });

  it("points Scalar at the app's OpenAPI document and its own copy of the standalone bundle", async () => {
    const html = await (await getDocs()).text();
    expect(html).toContain('data-url="/api/openapi.json"');
    expect(html).toContain('<script src="/assets/scalar/standalone.js"></script>');
  });

  it('sends a Content-Security-Policy allowing only same-origin scripts and connections', async () => {
    const response = await getDocs();
    const csp = cspDirectives(response.headers.get('Content-Security-Policy'));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    for (const values of csp.values()) {
      for (const value of values) expect(value).not.toMatch(/^(https?:|\*)/);
    }
  });

  it('is documented as a text/html GET in the OpenAPI document', async () => {
    const paths = await openApiPaths();
    expect(paths['/api/docs']?.get?.responses?.['200']).toMatchObject({ content: { 'text/html': {} } });
  });
});

describe('copying static assets after install', () => {
  it("copies Scalar's standalone bundle to public/assets/scalar/standalone.js", () => {
    copyStaticAssets();
    const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
    const source = join(dirname(entry), 'browser', 'standalone.js');
    expect(statSync(ASSET).size).toBe(statSync(source).size);
    expect(readFileSync(ASSET, 'utf8').slice(0, 400)).toContain('@scalar/api-reference');
  });
});

describe('the docs page in headless Chromium, offline', () => {
  let chromium: ChromiumLookup = { available: false, reason: 'not looked up yet' };
  let server: DocsServer | undefined;

  beforeAll(async () => {
    chromium = await findChromium();
    if (!chromium.available) {
      console.warn(`docs-page: skipping the browser check: ${chromium.reason}`);
      return;
    }
    copyStaticAssets();
    server = await serveDocs(env);
  }, 6 * 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('renders the operations of the OpenAPI document with only same-origin requests', async (ctx) => {
    if (!chromium.available) return ctx.skip(`Chromium is unavailable: ${chromium.reason}`);
    if (!server) throw new Error('the docs server did not start');

    const paths = await openApiPaths();
    const result = await runChromium(chromium.path, `${server.origin}/api/docs`, {
      output: { dumpDom: true },
      timeoutMs: 90_000, // a hang detector: Chromium starts slowly on a busy machine
    });

    expect(result.timedOut).toBe(false);
    expect(server.requests).toEqual(
      expect.arrayContaining(['/assets/scalar/standalone.js', '/api/openapi.json']),
    );
    expect(result.stderr).not.toMatch(/Refused to (load|execute|apply|connect|create)/);
    expect(result.stdout).toContain(asHtmlText(summaryOf(paths, 'post', '/api/workshops')));
    expect(result.stdout).toContain(asHtmlText(summaryOf(paths, 'get', '/api/health')));
  });
});
