/**
 * Who is the caller? (docs/api.md, Callers and roles) Every token that is not a valid Clerk session token for this
 * instance is a 401 problem — never a 500, never a redirect, and without a single network call: the key
 * is local, so verification must be too.
 */
import { createHmac } from 'node:crypto';
import { signJwt } from '@clerk/backend/jwt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSigningKeyPair } from '../../scripts/local-auth/keys';
import { LOCAL_AUTHORIZED_PARTY, LOCAL_ISSUER } from '../../scripts/local-auth/local-clerk';
import { mintSessionToken } from '../../scripts/local-auth/mint-token';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

/**
 * Installed before any module is imported (Clerk keeps a reference to `fetch` from its first load): every
 * request that leaves the loopback interface is recorded and refused. The SQL endpoint is on 127.0.0.1.
 */
const network = vi.hoisted(() => {
  const original = globalThis.fetch;
  const offLoopback: string[] = [];
  const loopback: string[] = [];
  const urlOf = (input: Parameters<typeof fetch>[0]) =>
    typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  globalThis.fetch = async (input, init) => {
    const url = urlOf(input);
    if (new URL(url).hostname !== '127.0.0.1') {
      offLoopback.push(url);
      throw new Error(`network call to ${url} during an auth test`);
    }
    loopback.push(url);
    return original(input, init);
  };
  return { original, offLoopback, loopback };
});

const CAPS = 'free:2,pro:7,team:11';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: CAPS }, { workerOutbound: globalThis.fetch });
});

afterEach(() => {
  const calls = network.offLoopback.splice(0);
  expect(calls, 'requests that left the machine').toEqual([]);
});

afterAll(async () => {
  await app?.close();
  globalThis.fetch = network.original;
});

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    v: 2,
    iss: LOCAL_ISSUER,
    sub: 'user_forger',
    sid: 'sess_forged',
    azp: LOCAL_AUTHORIZED_PARTY,
    iat: now,
    nbf: now - 5,
    exp: now + 3600,
    ...overrides,
  };
}

/** Header and payload as given, with an empty signature: `alg: none`. */
const unsignedToken = () =>
  `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims()))}.`;

/** The classic algorithm confusion: HS256 with the instance's *public* key as the HMAC secret. */
function hs256WithPublicKey(): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims()))}`;
  const signature = createHmac('sha256', app.env.CLERK_JWT_KEY ?? '')
    .update(signingInput)
    .digest('base64url');
  return `${signingInput}.${signature}`;
}

/** A real token of this instance whose payload was swapped for another user's: the signature no longer fits. */
async function tamperedToken(): Promise<string> {
  const [header, , signature] = (await app.token('user_victim')).split('.');
  return `${header}.${base64url(JSON.stringify(claims({ sub: 'user_attacker' })))}.${signature}`;
}

async function signedBy(
  privateKeyPem: string,
  payload: Record<string, unknown>,
  typ = 'JWT',
): Promise<string> {
  return signJwt(payload, privateKeyPem, { algorithm: 'RS256', header: { typ } });
}

/** A private key the app does not trust. */
const stranger = generateSigningKeyPair();

interface BadCredential {
  name: string;
  authorization: () => Promise<string | undefined>;
}

const BAD_CREDENTIALS: BadCredential[] = [
  { name: 'no Authorization header', authorization: async () => undefined },
  { name: 'Basic credentials', authorization: async () => `Basic ${base64url('user_owner:hunter2')}` },
  { name: '"Bearer" with nothing after it', authorization: async () => 'Bearer' },
  { name: '"Bearer " and blanks', authorization: async () => 'Bearer    ' },
  { name: 'a malformed token', authorization: async () => 'Bearer not-a-token!' },
  { name: 'two tokens', authorization: async () => `Bearer ${await app.token('user_owner')} extra` },
  { name: 'a.b.c', authorization: async () => 'Bearer a.b.c' },
  {
    name: 'JWT-shaped garbage',
    authorization: async () => 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyX3gifQ.c2lnbmF0dXJlc2lnbmF0dXJl',
  },
  {
    name: 'a token signed by another key',
    authorization: async () =>
      `Bearer ${await mintSessionToken(stranger.privateKeyPem, { userId: 'user_owner' })}`,
  },
  { name: 'a token with a tampered payload', authorization: async () => `Bearer ${await tamperedToken()}` },
  { name: 'alg: none with an empty signature', authorization: async () => `Bearer ${unsignedToken()}` },
  {
    name: 'an expired token',
    authorization: async () => `Bearer ${await app.token('user_owner', { expiresIn: -60 })}`,
  },
  {
    name: 'a token not valid before a minute from now',
    authorization: async () =>
      `Bearer ${await app.token('user_owner', { claims: { nbf: Math.floor(Date.now() / 1000) + 60 } })}`,
  },
  {
    name: 'a token for another authorized party (azp)',
    authorization: async () =>
      `Bearer ${await app.token('user_owner', { authorizedParty: 'https://evil.example' })}`,
  },
  {
    name: 'a token of another Clerk instance signed with the right key (iss)',
    authorization: async () =>
      `Bearer ${await app.token('user_owner', { claims: { iss: 'https://evil-instance.clerk.accounts.dev' } })}`,
  },
  {
    name: 'a token without an issuer',
    authorization: async () => `Bearer ${await app.token('user_owner', { claims: { iss: undefined } })}`,
  },
  {
    name: 'a token without a subject',
    authorization: async () => `Bearer ${await app.token('user_owner', { claims: { sub: undefined } })}`,
  },
  { name: 'an API key (ak_…)', authorization: async () => 'Bearer ak_2xKq9mVbN4cZ5lP8r2W7tYhJ3fG6dS0a' },
  { name: 'an M2M token (mt_…)', authorization: async () => 'Bearer mt_2xKq9mVbN4cZ5lP8r2W7tYhJ3fG6dS0a' },
  {
    name: 'an OAuth token (oat_…)',
    authorization: async () => 'Bearer oat_2xKq9mVbN4cZ5lP8r2W7tYhJ3fG6dS0a',
  },
  { name: 'a Clerk secret key (sk_test_…)', authorization: async () => `Bearer ${app.env.CLERK_SECRET_KEY}` },
  {
    name: 'an M2M JWT signed with the right key (sub mch_…)',
    authorization: async () => `Bearer ${await app.token('mch_2xKq9mVbN4cZ5l')}`,
  },
  {
    name: "a JWT of Clerk's M2M category (cat header) signed with the right key",
    authorization: async () =>
      `Bearer ${await app.token('user_owner', { header: { cat: 'cl_B7d4PD333AAA' } })}`,
  },
  {
    name: 'a JWT of an unknown category signed with the right key',
    authorization: async () => `Bearer ${await app.token('user_owner', { header: { cat: 'cl_unknown' } })}`,
  },
  {
    name: 'a pending session (sts: pending, tasks still to do)',
    authorization: async () => `Bearer ${await app.token('user_owner', { claims: { sts: 'pending' } })}`,
  },
  {
    name: 'an OAuth access JWT (typ at+jwt)',
    authorization: async () => `Bearer ${await signedBy(stranger.privateKeyPem, claims(), 'at+jwt')}`,
  },
  {
    name: 'a JWT-shaped string whose header says HS256',
    authorization: async () => `Bearer ${hs256WithPublicKey()}`,
  },
  {
    name: 'a token over 8 KiB',
    authorization: async () => `Bearer ${'a'.repeat(4_000)}.${'b'.repeat(4_000)}.${'c'.repeat(400)}`,
  },
];

function headersWith(
  authorization: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return authorization === undefined ? extra : { ...extra, Authorization: authorization };
}

/** A top-level browser navigation: the request shape for which Clerk's SDKs like to answer with a handshake redirect. */
const BROWSER_NAVIGATION = {
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Sec-Fetch-Dest': 'document',
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Site': 'cross-site',
  'User-Agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  Referer: 'https://evil.example/',
  Cookie: '__client_uat=1700000000; __session=not-a-session',
};

async function expectUnauthorized(response: Response): Promise<void> {
  expect(response.status).not.toBeGreaterThanOrEqual(500);
  expect(response.headers.get('location')).toBeNull();
  await expectProblem(response, 401, 'unauthorized');
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
  expect(response.headers.get('cache-control')).toBe('no-store');
}

describe('GET /api/me refuses anything but a valid session token of this instance', () => {
  describe.each(BAD_CREDENTIALS)('$name', ({ authorization }) => {
    it('→ 401 problem with a Bearer challenge, before the database is touched', async () => {
      const value = await authorization();
      const { result, roundTrips } = await app.countRoundTrips(() =>
        app.request('/api/me', { headers: headersWith(value) }),
      );
      await expectUnauthorized(result);
      expect(roundTrips).toBe(0);
    });

    it('→ 401, not a redirect, for a browser navigation too (Accept: text/html)', async () => {
      const response = await app.request('/api/me', {
        headers: headersWith(await authorization(), BROWSER_NAVIGATION),
      });
      await expectUnauthorized(response);
    });
  });
});

describe('what the 401 says', () => {
  async function detailFor(authorization: string): Promise<string> {
    return (
      await expectProblem(
        await app.request('/api/me', { headers: { Authorization: authorization } }),
        401,
        'unauthorized',
      )
    ).detail;
  }

  it('says a token of this instance has expired, and nothing more', async () => {
    expect(await detailFor(`Bearer ${await app.token('user_owner', { expiresIn: -60 })}`)).toBe(
      'The session token has expired.',
    );
  });

  it('says the signature is invalid for a token signed by another key or tampered with, expired or not', async () => {
    const signature = 'The session token signature is invalid.';
    expect(
      await detailFor(`Bearer ${await mintSessionToken(stranger.privateKeyPem, { userId: 'user_owner' })}`),
    ).toBe(signature);
    expect(await detailFor(`Bearer ${await tamperedToken()}`)).toBe(signature);
    const expiredForgery = await mintSessionToken(stranger.privateKeyPem, {
      userId: 'user_owner',
      expiresIn: -60,
    });
    expect(await detailFor(`Bearer ${expiredForgery}`)).toBe(signature);
  });

  it('gives any other refusal of a well-signed token one general text', async () => {
    const otherParty = await app.token('user_owner', { authorizedParty: 'https://evil.example' });
    expect(await detailFor(`Bearer ${otherParty}`)).toBe('The session token is not valid for this API.');
  });
});

describe('the network guard', () => {
  it("sits on the path the app's own requests take (its database calls go through it)", async () => {
    const before = network.loopback.length;
    const response = await app.request('/api/me', { headers: await app.as('user_guarded') });
    expect(response.status).toBe(200);
    const sqlEndpoint = new URL(app.endpoint.url).origin;
    expect(network.loopback.slice(before).some((url) => url.startsWith(sqlEndpoint))).toBe(true);
  });
});

describe('GET /api/me with a valid session token', () => {
  interface Me {
    userId: string;
    plan: string;
    workshopCap: number;
    workshopCount: number;
  }

  async function me(headers: Record<string, string>): Promise<Me> {
    const response = await app.request('/api/me', { headers });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return JSON.parse(text) as Me;
  }

  it('answers who the caller is, with the free plan and its cap by default', async () => {
    expect(await me(await app.as('user_plain'))).toEqual({
      userId: 'user_plain',
      plan: 'free',
      workshopCap: 2,
      workshopCount: 0,
    });
  });

  it('takes the plan from the metadata claim (public_metadata.plan)', async () => {
    expect(await me(await app.as('user_meta_pro', { plan: 'pro' }))).toMatchObject({
      plan: 'pro',
      workshopCap: 7,
    });
    expect(await me(await app.as('user_meta_team', { plan: 'team' }))).toMatchObject({
      plan: 'team',
      workshopCap: 11,
    });
  });

  it("takes the plan from Clerk billing's pla claim (u:… and o:…)", async () => {
    expect(await me(await app.as('user_billing', { claims: { pla: 'u:pro' } }))).toMatchObject({
      plan: 'pro',
      workshopCap: 7,
    });
    expect(await me(await app.as('user_billing_org', { claims: { pla: 'o:team' } }))).toMatchObject({
      plan: 'team',
      workshopCap: 11,
    });
  });

  it("accepts an active session and Clerk's session-token category", async () => {
    expect(await me(await app.as('user_active', { claims: { sts: 'active' } }))).toMatchObject({
      userId: 'user_active',
    });
    expect(await me(await app.as('user_categorised', { header: { cat: 'cl_B7d4PD111AAA' } }))).toMatchObject({
      userId: 'user_categorised',
    });
  });

  it('treats an unknown or malformed plan as free', async () => {
    for (const options of [
      { plan: 'platinum' },
      { claims: { pla: 'u:enterprise' } },
      { claims: { metadata: { plan: 42 } } },
      { claims: { metadata: 'pro' } },
      { claims: { metadata: { plan: '__proto__' } } },
      { claims: { metadata: { plan: 'constructor' } } },
    ]) {
      expect(await me(await app.as('user_odd_plan', options)), JSON.stringify(options)).toMatchObject({
        plan: 'free',
        workshopCap: 2,
      });
    }
  });

  it('counts the workshops the caller owns, as the database does', async () => {
    const headers = await app.as('user_counting');
    const created = await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: 'Counted by /api/me' }, headers),
    });
    expect(created.status).toBe(201);
    const { rows } = await app.database.sql.query<{ count: number }>(
      "select count(*)::int as count from workshop_members where clerk_user_id = $1 and role = 'owner'",
      ['user_counting'],
    );
    expect(rows[0]?.count).toBe(1);
    expect(await me(headers)).toMatchObject({ userId: 'user_counting', workshopCount: 1 });
  });

  it('is accepted again from the verified-token cache, one round trip each time', async () => {
    const headers = await app.as('user_cached');
    for (let attempt = 0; attempt < 3; attempt++) {
      const { result, roundTrips } = await app.countRoundTrips(() => me(headers));
      expect(result.userId).toBe('user_cached');
      expect(roundTrips).toBe(1);
    }
  });

  it('is still refused by another instance (another key), even once this one has cached it', async () => {
    const headers = await app.as('user_elsewhere');
    await me(headers);
    const other = await createTestApp({ WORKSHOP_CAPS: CAPS }, { workerOutbound: globalThis.fetch });
    try {
      await expectUnauthorized(await other.request('/api/me', { headers }));
    } finally {
      await other.close();
    }
  });

  it('is never served from the cache once it has expired', async () => {
    const headers = await app.as('user_short_lived', { expiresIn: 2 });
    expect((await me(headers)).userId).toBe('user_short_lived');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await expectUnauthorized(await app.request('/api/me', { headers }));
  });
});

describe('POST /api/workshops with an orgId', () => {
  const create = async (body: Record<string, unknown>, claims: Record<string, unknown> = {}) =>
    app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody(
        { originalIdea: 'Filed under an organization', ...body },
        await app.as('user_org_member', { plan: 'team', claims }),
      ),
    });

  const stored = async (orgId: string) => {
    const { rows } = await app.database.sql.query<{ count: number }>(
      'select count(*)::int as count from workshops where org_id = $1',
      [orgId],
    );
    return rows[0]?.count ?? -1;
  };

  it('is accepted when it is the organization active in the token (v2 `o.id`, v1 `org_id`)', async () => {
    const v2 = await create(
      { orgId: 'org_active2' },
      { o: { id: 'org_active2', rol: 'admin', slg: 'acme' } },
    );
    expect(v2.status).toBe(201);
    expect(await v2.json()).toMatchObject({ orgId: 'org_active2' });
    const v1 = await create({ orgId: 'org_active1' }, { v: undefined, org_id: 'org_active1' });
    expect(v1.status).toBe(201);
    expect(await stored('org_active1')).toBe(1);
  });

  it.each([
    ['a token with no organization', {}],
    ['a token whose active organization is another one', { o: { id: 'org_mine', rol: 'member' } }],
    ['a v1 token of another organization', { org_id: 'org_mine' }],
  ])('→ 403 organization_not_allowed for %s, nothing written', async (_label, claims) => {
    const response = await create({ orgId: 'org_someone_elses' }, claims);
    await expectProblem(response, 403, 'organization_not_allowed');
    expect(await stored('org_someone_elses')).toBe(0);
  });

  it('without an orgId the workshop is personal, whatever organization is active', async () => {
    const response = await create({}, { o: { id: 'org_active_elsewhere', rol: 'admin' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ orgId: null });
  });
});
