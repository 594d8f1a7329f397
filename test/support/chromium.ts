import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const APT_GET = '/usr/bin/apt-get';
const INSTALL_TIMEOUT_MS = 5 * 60_000;

export type ChromiumLookup = { available: true; path: string } | { available: false; reason: string };

const run = promisify(execFile);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function aptGet(args: string[]): Promise<string | undefined> {
  try {
    await run(APT_GET, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const lastLine = typeof stderr === 'string' ? stderr.trim().split('\n').at(-1) : undefined;
    return `apt-get ${args.join(' ')} failed${lastLine ? `: ${lastLine}` : ''}`;
  }
}

async function install(): Promise<ChromiumLookup> {
  if (process.platform !== 'linux')
    return { available: false, reason: `${CHROMIUM_PATH} is missing (not Linux)` };
  if (process.getuid?.() !== 0) {
    return {
      available: false,
      reason: `${CHROMIUM_PATH} is missing and installing it needs root (apt-get install chromium)`,
    };
  }
  if (!existsSync(APT_GET))
    return { available: false, reason: `${CHROMIUM_PATH} is missing and there is no apt-get` };

  console.info(`chromium: ${CHROMIUM_PATH} is missing; running apt-get install -y chromium`);
  // A fresh machine has no package lists yet: install, and on failure update the lists and try once more.
  let failure = await aptGet(['install', '-y', 'chromium']);
  if (failure) {
    const updateFailure = await aptGet(['update']);
    failure = updateFailure ?? (await aptGet(['install', '-y', 'chromium']));
  }
  if (isExecutable(CHROMIUM_PATH)) return { available: true, path: CHROMIUM_PATH };
  return {
    available: false,
    reason: `${CHROMIUM_PATH} is missing and could not be installed (${failure ?? 'apt-get succeeded, yet it is not there'})`,
  };
}

let lookup: Promise<ChromiumLookup> | undefined;

/** Chromium at /usr/bin/chromium, installed through apt when missing and possible; why not, otherwise. */
export function findChromium(): Promise<ChromiumLookup> {
  lookup ??= isExecutable(CHROMIUM_PATH)
    ? Promise.resolve({ available: true, path: CHROMIUM_PATH })
    : install();
  return lookup;
}

export interface ChromiumRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
}

export interface ChromiumOptions {
  /** `--dump-dom` prints the DOM after load; a screenshot writes a PNG instead. */
  output: { dumpDom: true } | { screenshot: string };
  /** Virtual time the page gets to settle before the DOM or screenshot is taken. */
  virtualTimeBudgetMs?: number;
  windowSize?: { width: number; height: number };
  /** The browser process group is killed after this, whatever state it is in. */
  timeoutMs?: number;
}

/**
 * One headless Chromium run against `url`, offline by construction: every host name but 127.0.0.1 fails to
 * resolve. The whole process group (browser, zygote, renderers) is killed when the run ends or times out,
 * and the throwaway profile is removed.
 */
export async function runChromium(path: string, url: string, options: ChromiumOptions): Promise<ChromiumRun> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const { width, height } = options.windowSize ?? { width: 1280, height: 900 };
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--no-proxy-server',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--enable-logging=stderr',
    '--v=0',
    `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`,
    `--virtual-time-budget=${options.virtualTimeBudgetMs ?? 10_000}`,
    'dumpDom' in options.output ? '--dump-dom' : `--screenshot=${options.output.screenshot}`,
    url,
  ];

  const child = spawn(path, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 25_000);

  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    return { stdout, stderr, exitCode, timedOut };
  } finally {
    clearTimeout(timer);
    killGroup();
    rmSync(profile, { recursive: true, force: true });
  }
}
