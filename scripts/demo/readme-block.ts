import type { HttpStep, JsonObject, JsonValue, TokenStep, WorkflowStep } from './workflow';

/** The README section between these markers is generated: `npm run demo -- --write-readme`. */
export const README_START = '<!-- demo:start -->';
export const README_END = '<!-- demo:end -->';

/** The shell variable that holds the base URL in the rendered commands. */
export const BASE_URL_VARIABLE = 'API';
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8787';

/** The `-w` format of a call that prints its status: the bash check in run.ts reads these lines. */
export const STATUS_LINE = /^HTTP(?:\/[\d.]+)? (\d{3})\b/;

const VARIABLE = /\$([A-Z][A-Z0-9_]*)/g;

/** `$NAME` → `${NAME}` wherever the next character would otherwise run into the name. */
function shellVariables(text: string): string {
  return text.replace(VARIABLE, (match, name: string, offset: number) =>
    /[A-Za-z0-9_]/.test(text[offset + match.length] ?? '') ? `\${${name}}` : match,
  );
}

/** A single-quoted shell word: nothing inside expands. */
export function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A double-quoted shell word in which only `$NAME` variables expand. */
function doubleQuoted(text: string): string {
  const escaped = text.replace(/[\\"`]/g, '\\$&').replace(/\$(?![A-Z{])/g, '\\$');
  return `"${shellVariables(escaped)}"`;
}

/** Double quotes when the text uses variables, single quotes otherwise. */
function shellWord(text: string): string {
  return /\$[A-Z]/.test(text) ? doubleQuoted(text) : singleQuoted(text);
}

const url = (step: HttpStep) => doubleQuoted(`$${BASE_URL_VARIABLE}${step.path}`);

function requestHeaders(step: HttpStep): [string, string][] {
  return [
    ...(step.as ? [['Authorization', `Bearer $${step.as}`] as [string, string]] : []),
    ...Object.entries(step.headers ?? {}),
  ];
}

const MAX_LINE = 110;

/** `curl -sS -X PUT "$API/…"`: the method (unless GET) and the URL. */
function curlHead(step: HttpStep, flags: string): string {
  return ['curl', flags, ...(step.method === 'GET' ? [] : [`-X ${step.method}`]), url(step)].join(' ');
}

const JSON_WIDTH = 100;

/**
 * JSON that fits the README: a value stays on one line when it fits in the width left after `indent`
 * and `prefix`; otherwise its members go one per line, each fitted the same way.
 */
function fittedJson(value: JsonValue, indent: string, prefix = ''): string {
  const compact = JSON.stringify(value);
  if (
    value === null ||
    typeof value !== 'object' ||
    indent.length + prefix.length + compact.length <= JSON_WIDTH
  ) {
    return compact;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => inner + fittedJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  const members = Object.entries(value).map(([key, member]) => {
    const name = `${JSON.stringify(key)}: `;
    return inner + name + fittedJson(member, inner, name);
  });
  return `{\n${members.join(',\n')}\n${indent}}`;
}

/** A JSON body: one line when short, else spread over lines (still one shell word), lined up under `-d`. */
function jsonArgument(body: JsonObject): string {
  return singleQuoted(fittedJson(body, '  ', '-d '));
}

/** `curl` options for the request itself, one option (with its argument) per entry. */
function curlRequestOptions(step: HttpStep): string[] {
  const options: string[] = [];
  for (const [name, value] of requestHeaders(step)) options.push(`-H ${shellWord(`${name}: ${value}`)}`);
  if (step.body !== undefined) {
    options.push(`-H ${singleQuoted('Content-Type: application/json')}`);
    options.push(`-d ${jsonArgument(step.body)}`);
  }
  return options;
}

/** Joins a command on one line when it fits, else one option per continuation line. */
function layout(head: string, options: string[], tail = ''): string {
  const oneLine = [head, ...options].join(' ') + tail;
  if (oneLine.length <= MAX_LINE && !oneLine.includes('\n')) return oneLine;
  return [head, ...options.map((option) => `  ${option}`)].join(' \\\n') + tail;
}

function nodeExtract(step: HttpStep): string {
  const capture = step.capture;
  if (!capture) throw new Error('no capture');
  if (capture.from === 'body') {
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(capture.path)) {
      throw new Error(`capture path ${capture.path} is not a plain property path`);
    }
    return `node -pe ${singleQuoted(`JSON.parse(require("fs").readFileSync(0)).${capture.path}`)}`;
  }
  if (!/^[A-Za-z0-9-]+$/.test(capture.name)) throw new Error(`odd header name ${capture.name}`);
  return `node -pe ${singleQuoted(
    `require("fs").readFileSync(0, "utf8").match(/^${capture.name.toLowerCase()}: *(.*?)\\r?$/im)[1]`,
  )}`;
}

function renderToken(step: TokenStep): string {
  const plan = step.plan ? ` --plan ${step.plan}` : '';
  return `${step.variable}=$(npm run -s token -- --user ${step.user}${plan})`;
}

function renderHttp(step: HttpStep): string {
  if (step.capture) {
    if (step.expect < 200 || step.expect > 299)
      throw new Error(`${step.path}: only a 2xx answer can be captured`);
    const output = step.capture.from === 'header' ? ['-D -', '-o /dev/null'] : [];
    const command = layout(
      `${step.capture.variable}=$(${curlHead(step, '-sSf')}`,
      [...curlRequestOptions(step), ...output],
      ` \\\n  | ${nodeExtract(step)})`,
    );
    return `${command}\necho "${step.capture.variable}=$${step.capture.variable}"`;
  }
  const show = step.show ?? 'body';
  const output =
    show === 'headers'
      ? ['-D -', '-o /dev/null']
      : show === 'status'
        ? ['-o /dev/null', `-w ${singleQuoted('HTTP %{http_code}\\n')}`]
        : [`-w ${singleQuoted('\\nHTTP %{http_code}\\n')}`];
  return layout(curlHead(step, '-sS'), [...curlRequestOptions(step), ...output]);
}

export function renderStep(step: WorkflowStep, index: number): string {
  const expected = step.kind === 'token' ? '' : ` → ${step.expect}`;
  const comment = `# ${index + 1}. ${step.explain}${expected}`;
  return `${comment}\n${step.kind === 'token' ? renderToken(step) : renderHttp(step)}`;
}

/** The whole workflow as a shell script a person can paste (and `bash -e` can run). */
export function renderShellScript(workflow: readonly WorkflowStep[]): string {
  const prelude = `${BASE_URL_VARIABLE}=\${DEMO_BASE_URL:-${DEFAULT_BASE_URL}}`;
  return [prelude, ...workflow.map(renderStep)].join('\n\n');
}

function httpieItem(key: string, value: JsonObject[string]): string {
  return singleQuoted(typeof value === 'string' ? `${key}=${value}` : `${key}:=${JSON.stringify(value)}`);
}

/** The same call with HTTPie (`http`), which sends `key=value` items as a JSON object. */
export function renderHttpie(step: HttpStep): string {
  return [
    'http',
    step.method,
    url(step),
    ...requestHeaders(step).map(([name, value]) => shellWord(`${name}:${value}`)),
    ...Object.entries(step.body ?? {}).map(([key, value]) => httpieItem(key, value)),
  ].join(' ');
}

/** Everything between the README markers. */
export function renderReadmeBlock(workflow: readonly WorkflowStep[]): string {
  const httpie = workflow
    .map((step, index) => ({ step, index }))
    .filter(
      (entry): entry is { step: HttpStep; index: number } =>
        entry.step.kind === 'http' && !!entry.step.httpie,
    )
    .map(({ step, index }) => `- **${index + 1}.** ${step.explain}: \`${renderHttpie(step)}\``);
  return [
    '',
    '## Walk-through with curl',
    '',
    '<!-- Generated from scripts/demo/workflow.ts by `npm run demo -- --write-readme`; do not edit by hand.',
    '     test/demo/readme-in-sync.test.ts fails when this block and the workflow differ. -->',
    '',
    "One workshop's whole life, call by call, each with the status it answers. With `npm run dev` running,",
    'paste this into a shell at the repository root: it needs only `curl` (any version) and `node`, and',
    '`DEMO_BASE_URL` points it at another server. `npm run demo` runs the same workflow and checks every',
    'status, `npm run demo -- --bash` runs this very block under `bash -e` and checks what it prints, and',
    '`npm test` runs the workflow in-process (`test/demo/workflow.test.ts`).',
    '',
    '```sh',
    renderShellScript(workflow),
    '```',
    '',
    'Every step call sends back the `X-Session-Id` the first one got, so the session list shows that one',
    'session. A few of the same calls with [HTTPie](https://httpie.io) (`http`), which sends `key=value`',
    'items as a JSON object and `key:=value` items as raw JSON:',
    '',
    ...httpie,
    '',
  ].join('\n');
}

export function extractReadmeBlock(readme: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  }
  return readme.slice(start + README_START.length, end);
}

export function replaceReadmeBlock(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  }
  return readme.slice(0, start + README_START.length) + block + readme.slice(end);
}

/** The shell script inside a README block (its first ```sh fence). */
export function extractShellScript(block: string): string {
  const match = /```sh\n([\s\S]*?)\n```/.exec(block);
  if (!match?.[1]) throw new Error('the README block has no ```sh fence');
  return match[1];
}
