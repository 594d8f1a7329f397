/** Helpers of the workshop suites: one app per file, tokens per user, and reads of what the database holds. */
import { expect } from 'vitest';
import type { WorkshopDetail } from '../../src/schemas/workshops';
import { jsonBody, useTestApp } from '../support/test-app';

/** Answers as the API's schemas define them. */
export type { Member } from '../../src/schemas/members';
export type { Workshop, WorkshopDetail, WorkshopList as WorkshopPage } from '../../src/schemas/workshops';

export const WORKSHOP_ID = /^ws_[a-z][a-z0-9]{23}$/;
export const WORKSHOP_ETAG = /^"ws-[0-9a-z]+(\.[0-9a-z]+)*-[a-z_]+"$/;
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Starts an app for the calling test file (plan caps lifted out of the way) and returns helpers bound to it.
 * Call it at the top level of the file.
 */
export function useWorkshopsApp() {
  const testApp = useTestApp({ WORKSHOP_CAPS: 'free:1000', DB_TIMEOUT_MS: '30000' });
  const tokens = new Map<string, Promise<Record<string, string>>>();

  /** The Authorization header of a user (one token per user and file). */
  function as(userId: string): Promise<Record<string, string>> {
    let headers = tokens.get(userId);
    if (!headers) {
      headers = testApp().as(userId);
      tokens.set(userId, headers);
    }
    return headers;
  }

  async function call(
    method: string,
    path: string,
    userId: string | undefined,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const auth = userId === undefined ? {} : await as(userId);
    const headers = { ...auth, ...extraHeaders };
    return testApp().request(
      path,
      body === undefined ? { method, headers } : { method, ...jsonBody(body, headers) },
    );
  }

  async function json<T>(response: Response, status: number): Promise<T> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return JSON.parse(text) as T;
  }

  async function createWorkshop(userId: string, body: Record<string, unknown> = {}): Promise<WorkshopDetail> {
    const response = await call('POST', '/api/workshops', userId, {
      originalIdea: 'A workshop for a test',
      ...body,
    });
    return json<WorkshopDetail>(response, 201);
  }

  async function addMember(
    workshopId: string,
    ownerId: string,
    memberId: string,
    role: string,
  ): Promise<void> {
    const response = await call('PUT', `/api/workshops/${workshopId}/members/${memberId}`, ownerId, { role });
    expect([200, 201], await response.clone().text()).toContain(response.status);
  }

  async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await testApp().database.sql.query(text, params)).rows as T[];
  }

  async function workshopRow(id: string) {
    const [row] = await query<{
      title: string;
      original_idea: string;
      status: string;
      visibility: string;
      share_token: string | null;
      clerk_user_id: string;
      org_id: string | null;
      template_id: string | null;
      updated_at: Date;
    }>('select * from workshops where id = $1', [id]);
    return row;
  }

  async function roleOf(workshopId: string, userId: string): Promise<string | undefined> {
    const [row] = await query<{ role: string }>(
      'select role from workshop_members where workshop_id = $1 and clerk_user_id = $2',
      [workshopId, userId],
    );
    return row?.role;
  }

  async function ownerCount(workshopId: string): Promise<number> {
    const [row] = await query<{ count: number }>(
      "select count(*)::int as count from workshop_members where workshop_id = $1 and role = 'owner'",
      [workshopId],
    );
    return row?.count ?? 0;
  }

  async function setStatus(workshopId: string, status: string): Promise<void> {
    await query('update workshops set status = $2 where id = $1', [workshopId, status]);
  }

  return {
    testApp,
    call,
    json,
    createWorkshop,
    addMember,
    query,
    workshopRow,
    roleOf,
    ownerCount,
    setStatus,
  };
}
