import { expect } from 'vitest';
import type { EndedSession, Session } from '../../src/schemas/sessions';
import type { Step, StepContext, StepWithOutput } from '../../src/schemas/steps';
import type { WorkshopDetail, Workshop as WorkshopShape } from '../../src/schemas/workshops';
import type { ProblemBody } from '../support/problem';
import { jsonBody, type TestApp } from '../support/test-app';

/** The ten steps of docs/data-model.md, in order: slug and name. */
export const STEPS = [
  { id: 'challenge', name: 'Challenge' },
  { id: 'stakeholder-mapping', name: 'Stakeholder Mapping' },
  { id: 'user-research', name: 'User Research' },
  { id: 'sense-making', name: 'Research Sense Making' },
  { id: 'persona', name: 'Persona Development' },
  { id: 'journey-mapping', name: 'Journey Mapping' },
  { id: 'reframe', name: 'Reframing the Challenge' },
  { id: 'ideation', name: 'Ideation' },
  { id: 'concept', name: 'Concept Development' },
  { id: 'validate', name: 'Validate' },
] as const;

export type StepSlug = (typeof STEPS)[number]['id'];

export const STEP_IDS: readonly StepSlug[] = STEPS.map((step) => step.id);

/** The shape of a session id the server hands out (src/domain/ids.ts, `newId('session')`). */
export const SESSION_ID = /^ses_[a-z][a-z0-9]{23}$/;

/** A well-formed workshop id that names no workshop. */
export const UNKNOWN_WORKSHOP_ID = 'ws_zzzzzzzzzzzzzzzzzzzzzzzz';

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type Headers = Record<string, string>;
export type JsonObject = Record<string, unknown>;

/** Answers as the API's schemas define them: the tests read the very types the handlers answer with. */
export type StepBody = Step;
export type StepWithOutputBody = StepWithOutput;
export type WorkshopBody = WorkshopShape;
export type WorkshopDetailBody = WorkshopDetail;
export type ContextBody = StepContext;
export type SessionBody = Session;
export type EndedSessionBody = EndedSession;

/** A workshop created through the API, with its owner's Authorization header. */
export interface Workshop {
  id: string;
  owner: string;
  headers: Headers;
}

/** `workshop_steps` as the database holds it (pg parses timestamps into Dates and json into values). */
export interface StepRecord {
  status: string;
  output: JsonObject | null;
  completion: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
}

export interface SessionRecord {
  id: string;
  workshop_id: string;
  started_at: Date;
  ended_at: Date | null;
}

let users = 0;

/** A Clerk user id no other test in this process uses. */
export const newUser = (label: string) => `user_${label}_${process.pid}_${++users}`;

/** Reads a JSON body after asserting the status (the body is shown when the status is wrong). */
export async function readJson<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

/** A problem body without the per-request parts, for comparing two answers. */
export function comparable(problem: ProblemBody): Omit<ProblemBody, 'requestId'> {
  const { requestId: _requestId, ...rest } = problem;
  return rest;
}

export async function createWorkshop(
  t: TestApp,
  options: { idea?: string; title?: string; owner?: string } = {},
): Promise<Workshop> {
  const owner = options.owner ?? newUser('owner');
  const headers = await t.as(owner, { plan: 'team' });
  const response = await t.request('/api/workshops', {
    method: 'POST',
    ...jsonBody(
      {
        originalIdea: options.idea ?? 'Meals for nurses on night shifts',
        ...(options.title ? { title: options.title } : {}),
      },
      headers,
    ),
  });
  const created = await readJson<WorkshopBody>(response, 201);
  return { id: created.id, owner, headers };
}

/** Adds a member with a role (through the owner) and returns that member's Authorization header. */
export async function addMember(
  t: TestApp,
  workshop: Workshop,
  role: 'owner' | 'editor' | 'viewer',
): Promise<Headers> {
  const userId = newUser(role);
  const response = await t.request(`/api/workshops/${workshop.id}/members/${userId}`, {
    method: 'PUT',
    ...jsonBody({ role }, workshop.headers),
  });
  expect(response.status).toBe(201);
  return t.as(userId);
}

/** The Authorization header of a signed-in user who is not a member of anything. */
export const stranger = (t: TestApp) => t.as(newUser('stranger'));

export const stepPath = (workshopId: string, stepId: string, suffix = '') =>
  `/api/workshops/${workshopId}/steps/${stepId}${suffix}`;

export function putOutput(
  t: TestApp,
  workshop: Workshop,
  stepId: string,
  output: unknown,
  options: { headers?: Headers; extra?: Headers } = {},
): Promise<Response> {
  return t.request(stepPath(workshop.id, stepId, '/output'), {
    method: 'PUT',
    ...jsonBody({ output }, { ...(options.headers ?? workshop.headers), ...options.extra }),
  });
}

export function completeStep(
  t: TestApp,
  workshop: Workshop,
  stepId: string,
  body: unknown = { by: 'ai' },
  options: { headers?: Headers; extra?: Headers } = {},
): Promise<Response> {
  return t.request(stepPath(workshop.id, stepId, '/complete'), {
    method: 'POST',
    ...jsonBody(body, { ...(options.headers ?? workshop.headers), ...options.extra }),
  });
}

export function getStep(
  t: TestApp,
  workshop: Workshop,
  stepId: string,
  options: { headers?: Headers; extra?: Headers } = {},
): Promise<Response> {
  return t.request(stepPath(workshop.id, stepId), {
    headers: { ...(options.headers ?? workshop.headers), ...options.extra },
  });
}

export function getContext(
  t: TestApp,
  workshop: Workshop,
  stepId: string,
  options: { headers?: Headers; extra?: Headers; include?: string } = {},
): Promise<Response> {
  const query = options.include === undefined ? '' : `?include=${encodeURIComponent(options.include)}`;
  return t.request(`${stepPath(workshop.id, stepId, '/context')}${query}`, {
    headers: { ...(options.headers ?? workshop.headers), ...options.extra },
  });
}

/** Completes the first `count` steps in order (confirmed by the AI), asserting each answer. */
export async function completeFirst(t: TestApp, workshop: Workshop, count: number): Promise<void> {
  for (const stepId of STEP_IDS.slice(0, count)) {
    const response = await completeStep(t, workshop, stepId, { by: 'ai' });
    expect(response.status, await response.clone().text()).toBe(200);
  }
}

export async function stepRecord(t: TestApp, workshopId: string, stepId: string): Promise<StepRecord> {
  const { rows } = await t.database.sql.query<StepRecord>(
    `select status, output, completion, started_at, completed_at, updated_at
       from workshop_steps where workshop_id = $1 and step_id = $2`,
    [workshopId, stepId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no workshop_steps row for ${workshopId}/${stepId}`);
  return row;
}

export async function stepRecords(t: TestApp, workshopId: string): Promise<StepRecord[]> {
  const { rows } = await t.database.sql.query<StepRecord>(
    `select ws.status, ws.output, ws.completion, ws.started_at, ws.completed_at, ws.updated_at
       from workshop_steps ws join step_definitions d on d.id = ws.step_id
      where ws.workshop_id = $1 order by d.position`,
    [workshopId],
  );
  return rows;
}

export async function workshopRecord(
  t: TestApp,
  workshopId: string,
): Promise<{ status: string; updated_at: Date }> {
  const { rows } = await t.database.sql.query<{ status: string; updated_at: Date }>(
    'select status, updated_at from workshops where id = $1',
    [workshopId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no workshop ${workshopId}`);
  return row;
}

export async function sessionsOf(t: TestApp, workshopId: string): Promise<SessionRecord[]> {
  const { rows } = await t.database.sql.query<SessionRecord>(
    'select id, workshop_id, started_at, ended_at from sessions where workshop_id = $1 order by started_at, id',
    [workshopId],
  );
  return rows;
}

export async function sessionById(t: TestApp, sessionId: string): Promise<SessionRecord[]> {
  const { rows } = await t.database.sql.query<SessionRecord>(
    'select id, workshop_id, started_at, ended_at from sessions where id = $1',
    [sessionId],
  );
  return rows;
}

/** A session id of the server's shape that nobody has used (the suffix is random). */
export function freshSessionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(23));
  const rest = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
  return `ses_t${rest}`;
}

export const listSteps = async (t: TestApp, workshop: Workshop, headers: Headers = workshop.headers) =>
  readJson<{ items: StepBody[] }>(await t.request(`/api/workshops/${workshop.id}/steps`, { headers }), 200);

export const getWorkshop = async (t: TestApp, workshop: Workshop) =>
  readJson<WorkshopDetailBody>(
    await t.request(`/api/workshops/${workshop.id}`, { headers: workshop.headers }),
    200,
  );

/** Everything the database holds about a workshop's steps and status, to prove a refused request wrote nothing. */
export async function stepsSnapshot(t: TestApp, workshop: Workshop) {
  return { steps: await stepRecords(t, workshop.id), workshop: await workshopRecord(t, workshop.id) };
}
