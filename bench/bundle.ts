/**
 * The Worker as Cloudflare would get it, measured by scripts/bundle-size.ts (the same bundle wrangler
 * uploads): what an isolate loads before its first request (the main module and the chunks it imports
 * statically) against the target, the same for the dependencies alone, and the lazily loaded PDF renderer.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from './environment';
import { kib, round } from './lib/stats';
import { type Row, verdict } from './table';

/**
 * What an isolate loads before its first request may be at most this multiple of the same build of the
 * dependencies alone (bench/bundle-floor-entry.ts), measured in the same run: the app's own code is held
 * to a share of the total, whatever the dependencies weigh this year.
 */
export const BUNDLE_TARGET_RATIO_TO_FLOOR = 1.25;
const BUNDLE_TARGET = `≤ ${BUNDLE_TARGET_RATIO_TO_FLOOR} × the dependencies alone`;

interface ModuleSize {
  module: string;
  main: boolean;
  loadedAtStartup: boolean;
  rawBytes: number;
  gzipBytes: number;
  topPackages: [string, number][];
}

export interface BundleResult {
  modules: ModuleSize[];
  startupGzipBytes: number;
  floorStartupGzipBytes: number;
  totalGzipBytes: number;
  wrangler: string;
  seconds: number;
  error?: string;
}

export async function measureBundle(): Promise<BundleResult> {
  const started = performance.now();
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      // The bench reports the figures whatever they are; budgets are for CI.
      ['--import', 'tsx', 'scripts/bundle-size.ts', '--json', '--max-startup-gzip-kib', 'Infinity'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const parsed = JSON.parse(stdout) as Omit<BundleResult, 'seconds'>;
    return { ...parsed, seconds: round((performance.now() - started) / 1000, 1) };
  } catch (error) {
    return {
      modules: [],
      startupGzipBytes: 0,
      floorStartupGzipBytes: 0,
      totalGzipBytes: 0,
      wrangler: '',
      seconds: 0,
      error: String(error),
    };
  }
}

export function bundleRows(result: BundleResult): Row[] {
  const section = 'worker bundle (scripts/bundle-size.ts = what wrangler deploys)';
  const main = result.modules.find((module) => module.main);
  if (result.error || !main) {
    const note = result.error ?? 'no main module in the output';
    return [
      {
        section,
        figure: 'main module gzip',
        target: BUNDLE_TARGET,
        measured: 'error',
        verdict: 'error',
        note,
      },
    ];
  }
  const top = (module: ModuleSize) =>
    module.topPackages
      .slice(0, 4)
      .map(([name, bytes]) => `${name} ${round(kib(bytes), 0)} KiB`)
      .join(', ');
  const startupKib = round(kib(result.startupGzipBytes), 1);
  const floorKib = round(kib(result.floorStartupGzipBytes), 1);
  const chunks = result.modules.filter((module) => module.loadedAtStartup && !module.main);
  const rows: Row[] = [
    {
      section,
      figure: 'main module + its static imports, minified, gzip',
      target: BUNDLE_TARGET,
      measured: `${startupKib} KiB = ${round(startupKib / floorKib, 2)} × ${floorKib} KiB (main ${round(kib(main.gzipBytes), 1)} KiB, raw ${round(kib(main.rawBytes), 1)} KiB${
        chunks.length ? `, + ${chunks.length} chunk(s)` : ''
      })`,
      verdict: verdict(startupKib <= BUNDLE_TARGET_RATIO_TO_FLOOR * floorKib),
      note: `top raw contributors: ${top(main)}; the dependencies alone (bench/bundle-floor-entry.ts) are ${floorKib} KiB`,
    },
    {
      section,
      figure: 'the same for the dependencies alone, no app code',
      target: 'floor (info)',
      measured: `${floorKib} KiB; the app's own code adds ${round(startupKib - floorKib, 1)} KiB`,
      verdict: 'info',
    },
  ];
  const pdf = result.modules.find((module) => !module.main && module.module.includes('pdf'));
  rows.push({
    section,
    figure: 'PDF renderer, its own lazily loaded module, gzip',
    target: 'separate module',
    measured: pdf
      ? `${round(kib(pdf.gzipBytes), 1)} KiB (raw ${round(kib(pdf.rawBytes), 1)} KiB)`
      : 'inlined in main',
    verdict: verdict(pdf !== undefined),
    ...(pdf ? { note: `top raw contributors: ${top(pdf)}` } : {}),
  });
  rows.push({
    section,
    figure: 'whole upload, gzip',
    target: '≤ 3072 KiB (Workers Free)',
    measured: `${round(kib(result.totalGzipBytes), 1)} KiB (${result.wrangler})`,
    verdict: verdict(result.totalGzipBytes <= 3072 * 1024),
  });
  return rows;
}
