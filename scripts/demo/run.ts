/**
 * `npm run demo`: runs scripts/demo/workflow.ts against a running dev server (`npm run dev`), one line per
 * step, and exits non-zero at the first step that does not answer as the workflow says.
 *
 *   npm run demo                        the workflow, over HTTP, against DEMO_BASE_URL (default 127.0.0.1:8787)
 *   npm run demo -- --bash              the README's copy-paste block, run as written under `bash -e`,
 *                                       each printed status checked against the workflow
 *   npm run demo -- --write-readme      rewrites the README section between the demo markers
 *   npm run demo -- --check-readme      exits 1 when that section differs from the workflow
 *
 * Tokens are minted with the dev server's own key pair (.data/keys, see scripts/dev.ts), exactly as
 * `npm run -s token` does.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEV_DATA_DIR } from '../dev-paths';
import { loadOrCreateKeyPair } from '../local-auth/keys';
import { mintSessionToken } from '../local-auth/mint-token';
import { runWorkflow, type StepResult, type Transport } from './execute';
import {
  DEFAULT_BASE_URL,
  extractReadmeBlock,
  extractShellScript,
  renderReadmeBlock,
  renderShellScript,
  replaceReadmeBlock,
  STATUS_LINE,
} from './readme-block';
import { WORKFLOW, type WorkflowStep } from './workflow';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = join(ROOT, 'README.md');
const baseUrl = (process.env.DEMO_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');

const { values } = parseArgs({
  options: {
    'write-readme': { type: 'boolean', default: false },
    'check-readme': { type: 'boolean', default: false },
    bash: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function describe(step: WorkflowStep): string {
  if (step.kind === 'token')
    return `token ${step.variable} (${step.user}${step.plan ? `, ${step.plan}` : ''})`;
  return `${step.method} ${step.path}  ${step.explain}`;
}

function line(result: StepResult, got: string | undefined): string {
  const ok = result.problems.length === 0;
  const number = String(result.index + 1).padStart(2);
  const statuses = result.step.kind === 'http' ? `${got ?? '---'} (expected ${result.step.expect})  ` : '';
  return `${ok ? '✓' : '✗'} ${number}  ${statuses}${describe(result.step)}`;
}

function reportFailure(result: StepResult, total: number, passed: number): never {
  for (const problem of result.problems) console.error(`      ${problem}`);
  if (result.excerpt) console.error(`      body: ${result.excerpt.replace(/\s+/g, ' ').slice(0, 400)}`);
  console.error(`\ndemo: ✗ step ${result.index + 1} of ${total} failed (${passed} passed before it)`);
  process.exit(1);
}

function readmeInSync(): boolean {
  return extractReadmeBlock(readFileSync(README, 'utf8')) === renderReadmeBlock(WORKFLOW);
}

function writeReadme(): void {
  const readme = readFileSync(README, 'utf8');
  const updated = replaceReadmeBlock(readme, renderReadmeBlock(WORKFLOW));
  if (updated === readme) {
    console.log('README.md: the walk-through is already up to date');
    return;
  }
  writeFileSync(README, updated);
  console.log(`README.md: walk-through rewritten from scripts/demo/workflow.ts (${WORKFLOW.length} steps)`);
}

async function ensureServer(): Promise<void> {
  try {
    await fetch(`${baseUrl}/api/health/live`, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    console.error(`demo: no API at ${baseUrl} (${error instanceof Error ? error.message : String(error)}).`);
    console.error('      Start it with `npm run dev`, or set DEMO_BASE_URL.');
    process.exit(2);
  }
}

function devTokenMinter(): Transport['mintToken'] {
  if (!existsSync(join(DEV_DATA_DIR.keys, 'clerk-dev-private.pem'))) {
    console.error(
      `demo: no dev key pair in ${DEV_DATA_DIR.keys}; \`npm run dev\` creates it on its first start.`,
    );
    process.exit(2);
  }
  const { privateKeyPem } = loadOrCreateKeyPair(DEV_DATA_DIR.keys);
  return (user, plan) =>
    mintSessionToken(privateKeyPem, { userId: user, expiresIn: 3600, ...(plan ? { plan } : {}) });
}

async function runOverHttp(): Promise<void> {
  await ensureServer();
  const transport: Transport = {
    request: (path, init) => fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(30_000) }),
    mintToken: devTokenMinter(),
  };
  console.log(`demo: ${WORKFLOW.length} steps against ${baseUrl}\n`);
  const started = performance.now();
  let passed = 0;
  for await (const result of runWorkflow(WORKFLOW, transport)) {
    console.log(line(result, result.status === undefined ? undefined : String(result.status)));
    if (result.problems.length > 0) reportFailure(result, WORKFLOW.length, passed);
    passed++;
  }
  const elapsed = Math.round(performance.now() - started);
  console.log(`\ndemo: ✓ all ${passed} steps answered as expected (${elapsed} ms)`);
}

function runBash(script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e'], {
      cwd: ROOT,
      env: { ...process.env, DEMO_BASE_URL: baseUrl },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(script);
  });
}

/**
 * What the pasted block prints for each HTTP step: a status line (with the Content-Type that follows it
 * when headers are shown), or `VAR=value` for a capture.
 */
type Printed =
  | { kind: 'status'; status: string; contentType?: string }
  | { kind: 'capture'; variable: string; value: string };

function printedEvents(stdout: string): Printed[] {
  const events: Printed[] = [];
  let headersOf: { kind: 'status'; status: string; contentType?: string } | undefined;
  for (const text of stdout.split(/\r?\n/)) {
    if (headersOf) {
      const contentType = /^content-type:\s*(.*)$/i.exec(text);
      if (contentType) headersOf.contentType = contentType[1];
      if (text === '') headersOf = undefined;
    }
    const status = STATUS_LINE.exec(text);
    if (status?.[1]) {
      const event = { kind: 'status' as const, status: status[1] };
      events.push(event);
      // `HTTP/1.1 200 OK` starts a header block (`-D -`); `HTTP 200` is a `-w` line.
      if (text.startsWith('HTTP/')) headersOf = event;
    }
    const capture = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(text);
    if (capture?.[1]) events.push({ kind: 'capture', variable: capture[1], value: capture[2] ?? '' });
  }
  return events;
}

async function runReadmeWithBash(): Promise<void> {
  const script = extractShellScript(extractReadmeBlock(readFileSync(README, 'utf8')));
  if (script !== renderShellScript(WORKFLOW)) {
    console.error('demo: the README block differs from the workflow; run `npm run demo -- --write-readme`.');
    process.exit(1);
  }
  await ensureServer();
  console.log(`demo: the README block under bash -e against ${baseUrl}\n`);
  const { code, stdout } = await runBash(script);
  const events = printedEvents(stdout);
  let passed = 0;
  for (const [index, step] of WORKFLOW.entries()) {
    const result: StepResult = { index, step, label: '', problems: [] };
    let got: string | undefined;
    if (step.kind === 'http') {
      const event = events.shift();
      if (step.capture) {
        const ok =
          event?.kind === 'capture' &&
          event.variable === step.capture.variable &&
          event.value !== '' &&
          event.value !== 'undefined';
        got = ok ? '2xx' : undefined;
        if (!ok)
          result.problems.push(`expected ${step.capture.variable}=…, printed ${JSON.stringify(event)}`);
      } else {
        got = event?.kind === 'status' ? event.status : undefined;
        if (got !== String(step.expect)) result.problems.push(`printed ${JSON.stringify(event)}`);
        const shown = event?.kind === 'status' ? event.contentType : undefined;
        if (step.show === 'headers' && step.expectContentType && !shown?.startsWith(step.expectContentType)) {
          result.problems.push(`content-type ${shown ?? '(none)'}, expected ${step.expectContentType}`);
        }
      }
    }
    console.log(line(result, got));
    if (result.problems.length > 0) {
      console.error(`\n--- bash output ---\n${stdout}`);
      reportFailure(result, WORKFLOW.length, passed);
    }
    passed++;
  }
  if (code !== 0) {
    console.error(`\ndemo: ✗ bash -e exited with ${code}`);
    process.exit(1);
  }
  console.log(`\ndemo: ✓ the README block ran under bash -e; all ${passed} steps as expected`);
}

if (values.help) {
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] ?? '';
  console.log(header.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
} else if (values['write-readme']) {
  writeReadme();
} else if (values['check-readme']) {
  if (!readmeInSync()) {
    console.error(
      'README.md: the walk-through differs from the workflow; run `npm run demo -- --write-readme`.',
    );
    process.exit(1);
  }
  console.log('README.md: the walk-through matches the workflow');
} else if (values.bash) {
  await runReadmeWithBash();
} else {
  await runOverHttp();
}
