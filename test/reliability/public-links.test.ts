/**
 * Links the API hands out (share URLs) point at the configured public base URL. The Host header is the
 * caller's to choose, so a link built from it could send a share link's recipients anywhere.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PUBLIC_BASE_URL, loadConfig } from '../../src/env';
import { createWorkshop, type Workshop } from '../steps/support';
import { createTestApp, type TestApp } from '../support/test-app';

const PUBLIC_BASE_URL = 'https://workshops.example.com/api-gateway';

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_BASE_URL: `${PUBLIC_BASE_URL}/` });
  port = Number(new URL(await t.listen()).port);
});

afterAll(async () => {
  await t?.close();
});

/** PUT /share over a real socket, with whatever Host and forwarding headers an attacker likes. */
function shareOverHttp(workshop: Workshop, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `/api/workshops/${workshop.id}/share`,
        headers: { ...workshop.headers, ...headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('share links', () => {
  it('are built on PUBLIC_BASE_URL whatever Host or X-Forwarded-Host the request carries', async () => {
    const workshop = await createWorkshop(t);
    const hostile: Record<string, string>[] = [
      { Host: 'evil.example' },
      { Host: 'evil.example:8443', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' },
    ];
    for (const headers of hostile) {
      const response = await shareOverHttp(workshop, headers);
      expect(response.status, response.body).toBe(200);
      const share = JSON.parse(response.body) as { shareToken: string; url: string };
      expect(share.url).toBe(`${PUBLIC_BASE_URL}/api/shared/${share.shareToken}`);
      expect(response.body).not.toContain('evil.example');
    }
  });

  it('default to the local dev server’s address when PUBLIC_BASE_URL is unset', async () => {
    const unset = await createTestApp();
    try {
      const workshop = await createWorkshop(unset);
      const response = await unset.request(`http://evil.example/api/workshops/${workshop.id}/share`, {
        method: 'PUT',
        headers: workshop.headers,
      });
      const share = (await response.json()) as { shareToken: string; url: string };
      expect(share.url).toBe(`${DEFAULT_PUBLIC_BASE_URL}/api/shared/${share.shareToken}`);
    } finally {
      await unset.close();
    }
  });
});

describe('PUBLIC_BASE_URL', () => {
  it.each([
    ['not a URL', 'evil.example'],
    ['another scheme', 'ftp://workshops.example.com'],
    ['credentials', 'https://user:secret@workshops.example.com'],
    ['a query', 'https://workshops.example.com/?via=share'],
    ['a fragment', 'https://workshops.example.com/#top'],
  ])('is refused with %s, naming the variable', (_label, value) => {
    const source = { ...t.env, PUBLIC_BASE_URL: value };
    expect(() => loadConfig(source)).toThrow(ConfigError);
    expect(() => loadConfig(source)).toThrow('PUBLIC_BASE_URL');
  });
});
