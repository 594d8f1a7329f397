import { type HttpStep, stepLabel, type WorkflowStep } from './workflow';

/** How the workflow reaches an API and gets tokens: a dev server over HTTP, or an app in the same process. */
export interface Transport {
  /** `path` starts with `/api/`. */
  request(path: string, init: RequestInit): Promise<Response>;
  mintToken(user: string, plan: string | undefined): Promise<string>;
}

export interface StepResult {
  index: number;
  step: WorkflowStep;
  label: string;
  /** The HTTP status, for HTTP steps. */
  status?: number;
  /** Empty when the step did what the workflow says. */
  problems: string[];
  /** The start of the response body, for explaining a failure. */
  excerpt?: string;
}

export type Variables = Map<string, string>;

export function substitute(text: string, variables: Variables): string {
  return text.replace(/\$([A-Z][A-Z0-9_]*)/g, (_, name: string) => {
    const value = variables.get(name);
    if (value === undefined) throw new Error(`$${name} is used before any step captures it`);
    return value;
  });
}

function readPath(body: unknown, path: string): unknown {
  let current = body;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function requestFor(step: HttpStep, variables: Variables): RequestInit {
  const headers = new Headers();
  if (step.as) headers.set('Authorization', `Bearer ${substitute(`$${step.as}`, variables)}`);
  for (const [name, value] of Object.entries(step.headers ?? {}))
    headers.set(name, substitute(value, variables));
  const init: RequestInit = { method: step.method, headers };
  if (step.body !== undefined) {
    headers.set('Content-Type', 'application/json');
    init.body = JSON.stringify(step.body);
  }
  return init;
}

const isText = (contentType: string) => /^(text\/|application\/([a-z.+-]*\+)?json)/.test(contentType);

async function runHttpStep(step: HttpStep, variables: Variables, transport: Transport) {
  const response = await transport.request(substitute(step.path, variables), requestFor(step, variables));
  const contentType = response.headers.get('content-type') ?? '';
  const text = isText(contentType) ? await response.text() : '';
  if (!isText(contentType)) await response.arrayBuffer();
  const problems: string[] = [];
  if (response.status !== step.expect) problems.push(`status ${response.status}, expected ${step.expect}`);
  if (step.expectContentType && !contentType.startsWith(step.expectContentType)) {
    problems.push(`content-type ${contentType || '(none)'}, expected ${step.expectContentType}`);
  }
  if (step.expectBodyIncludes) {
    const needle = substitute(step.expectBodyIncludes, variables);
    if (!text.includes(needle)) problems.push(`body does not contain ${needle}`);
  }
  if (step.capture && problems.length === 0) {
    const { capture } = step;
    let value: unknown;
    if (capture.from === 'header') {
      value = response.headers.get(capture.name) ?? undefined;
    } else {
      try {
        value = readPath(JSON.parse(text), capture.path);
      } catch {
        value = undefined;
      }
    }
    if (typeof value === 'string' && value !== '') variables.set(capture.variable, value);
    else
      problems.push(
        `no ${capture.from} ${capture.from === 'header' ? capture.name : capture.path} to capture`,
      );
  }
  return { status: response.status, problems, excerpt: text.slice(0, 600) };
}

/** Runs one step, updating `variables` with what it captures. Never throws for an API that misbehaves. */
export async function runStep(
  step: WorkflowStep,
  index: number,
  variables: Variables,
  transport: Transport,
): Promise<StepResult> {
  const label = stepLabel(step, index);
  try {
    if (step.kind === 'token') {
      variables.set(step.variable, await transport.mintToken(step.user, step.plan));
      return { index, step, label, problems: [] };
    }
    return { index, step, label, ...(await runHttpStep(step, variables, transport)) };
  } catch (error) {
    return { index, step, label, problems: [error instanceof Error ? error.message : String(error)] };
  }
}

/** Runs the steps in order, yielding each result; the caller decides whether to go on after a failure. */
export async function* runWorkflow(
  workflow: readonly WorkflowStep[],
  transport: Transport,
): AsyncGenerator<StepResult> {
  const variables: Variables = new Map();
  for (const [index, step] of workflow.entries()) yield await runStep(step, index, variables, transport);
}
