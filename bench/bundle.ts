/*
 * The Worker as Cloudflare would get it: `wrangler deploy --dry-run --minify --outdir <tmp> --metafile`
 * (offline, nothing uploaded). Main module size raw and gzip (node:zlib), the PDF renderer reported on its
 * own — as a separate chunk if esbuild split it out, or as its share of the main module if it was inlined
 * (a finding) — and the top contributors by package and by file from esbuild's metafile.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './environment';
import { kib, round } from './lib/stats';
import { type Row, verdict } from './table';

export const BUNDLE_TARGET_GZIP_KIB = 150;
const PDF_RENDERER = 'src/lib/build-pack/pdf.ts';
/** What the PDF path drags in: the renderer and its layout files, pdf-lib, fontkit and the embedded fonts. */
const PDF_INPUT =
  /src\/lib\/build-pack\/(pdf|fonts\/)|node_modules\/(pdf-lib|@pdf-lib|pako|dejavu-fonts-ttf)\//;

interface MetafileOutput {
  bytes: number;
  entryPoint?: string;
  inputs: Record<string, { bytesInOutput: number }>;
  imports?: { path: string; kind: string }[];
}

/** The bits of esbuild's API used here (esbuild is wrangler's own dependency, loaded from wrangler). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile: { outputs: Record<string, MetafileOutput> } }>;
}

export interface SplitWhatIf {
  note: string;
  mainRawBytes: number;
  mainGzipBytes: number;
  pdfChunkRawBytes: number;
  pdfChunkGzipBytes: number;
  topPackages: { name: string; bytes: number }[];
  error?: string;
}

export interface BundleResult {
  command: string;
  wranglerToml: boolean;
  mainModule: { file: string; rawBytes: number; gzipBytes: number; gzipKiB: number };
  totalUploadLine: string | null;
  pdf: {
    split: boolean;
    chunk: { file: string; rawBytes: number; gzipBytes: number } | null;
    inlinedInMain: boolean;
    bytesInMain: number;
    gzipEstimateInMainKiB: number | null;
  };
  otherOutputs: { file: string; rawBytes: number; gzipBytes: number }[];
  /** zod's locale files (error messages in ~40 languages) in the main module, raw minified bytes. */
  zodLocalesBytes: number;
  topPackages: { name: string; bytes: number; share: number }[];
  topFiles: { name: string; bytes: number; share: number }[];
  /** The same entry bundled by esbuild with code splitting on: what the main module would weigh split. */
  splitWhatIf: SplitWhatIf | null;
  seconds: number;
  error?: string;
}

function wranglerBin(): string {
  const require = createRequire(import.meta.url);
  return join(resolve(require.resolve('wrangler/package.json'), '..'), 'bin', 'wrangler.js');
}

function run(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [wranglerBin(), ...args], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, output });
    });
  });
}

function packageOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const first = parts[at + 1] ?? '?';
    return first.startsWith('@') ? `${first}/${parts[at + 2] ?? '?'}` : first;
  }
  const src = parts.indexOf('src');
  if (src >= 0) return `(app) ${parts.slice(src, -1).join('/')}/`;
  return `(other) ${input}`;
}

function loadEsbuild(): Esbuild {
  const fromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'));
  return fromWrangler('esbuild') as Esbuild;
}

function groupByPackage(inputs: Record<string, { bytesInOutput: number }>) {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}

/**
 * Not what wrangler ships: esbuild with `splitting: true` on the same entry, with conditions like
 * wrangler's for workerd. Shows how much of the target splitting the PDF renderer out would buy.
 */
async function splitWhatIf(): Promise<SplitWhatIf> {
  const note =
    'esbuild --splitting --format=esm --minify, conditions workerd/worker/browser (approximates wrangler)';
  const outdir = mkdtempSync(join(tmpdir(), 'workshop-api-bench-split-'));
  try {
    const result = await loadEsbuild().build({
      absWorkingDir: ROOT,
      entryPoints: ['src/index.ts'],
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      platform: 'neutral',
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      outdir,
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
    const main = outputs.find(([, output]) => output.entryPoint !== undefined);
    const pdf = outputs.find(([, output]) => output.entryPoint?.endsWith(PDF_RENDERER));
    const size = (file: string | undefined) => {
      if (!file) return { raw: 0, gzip: 0 };
      const contents = readFileSync(resolve(ROOT, file));
      return { raw: contents.length, gzip: gzipSync(contents).length };
    };
    const mainSize = size(main?.[0]);
    const pdfSize = size(pdf?.[0]);
    return {
      note,
      mainRawBytes: mainSize.raw,
      mainGzipBytes: mainSize.gzip,
      pdfChunkRawBytes: pdfSize.raw,
      pdfChunkGzipBytes: pdfSize.gzip,
      topPackages: groupByPackage(main?.[1].inputs ?? {})
        .slice(0, 8)
        .map(([name, bytes]) => ({ name, bytes })),
    };
  } catch (error) {
    return {
      note,
      mainRawBytes: 0,
      mainGzipBytes: 0,
      pdfChunkRawBytes: 0,
      pdfChunkGzipBytes: 0,
      topPackages: [],
      error: String(error),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Gzip of just these inputs' share is not measurable from a metafile; this scales by the module's ratio. */
const gzipShare = (bytes: number, raw: number, gzip: number) => (raw === 0 ? 0 : (bytes / raw) * gzip);

export async function measureBundle(): Promise<BundleResult> {
  const started = performance.now();
  const outdir = mkdtempSync(join(tmpdir(), 'workshop-api-bench-bundle-'));
  const metafilePath = join(tmpdir(), `workshop-api-bench-meta-${process.pid}.json`);
  const wranglerToml = existsSync(join(ROOT, 'wrangler.toml'));
  const args = ['deploy', '--dry-run', '--minify', '--outdir', outdir, '--metafile', metafilePath];
  if (!wranglerToml)
    args.push('--name', 'workshop-api', '--compatibility-date', '2026-04-01', 'src/index.ts');
  const command = `wrangler ${args.join(' ')}`;
  try {
    const build = await run(args, 180_000);
    if (build.code !== 0) throw new Error(`wrangler exited with ${build.code}: ${build.output.slice(-1500)}`);
    const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as {
      outputs: Record<string, MetafileOutput>;
    };
    const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
    const entry = outputs.find(([, output]) => output.entryPoint !== undefined);
    if (!entry) throw new Error('no entry point in the metafile');
    const [entryFile, entryOutput] = entry;
    const mainPath = resolve(ROOT, entryFile);
    const mainContents = readFileSync(mainPath);
    const rawBytes = mainContents.length;
    const gzipBytes = gzipSync(mainContents).length;

    const sizeOf = (file: string) => {
      const contents = readFileSync(resolve(ROOT, file));
      return {
        file: relative(outdir, resolve(ROOT, file)),
        rawBytes: contents.length,
        gzipBytes: gzipSync(contents).length,
      };
    };
    const chunks = outputs.filter(([file]) => file !== entryFile);
    const pdfChunk = chunks.find(([, output]) =>
      Object.keys(output.inputs).some((input) => input.endsWith(PDF_RENDERER)),
    );
    const inputs = Object.entries(entryOutput.inputs);
    const inlinedInMain = inputs.some(([input]) => input.endsWith(PDF_RENDERER));
    const pdfBytesInMain = inputs
      .filter(([input]) => PDF_INPUT.test(input))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);

    const share = (bytes: number) => round((bytes / rawBytes) * 100, 1);
    // Files wrangler wrote besides the metafile's outputs (additional modules, e.g. fonts or wasm).
    const written = readdirSync(outdir).filter((file) => !file.endsWith('.map') && file !== 'README.md');
    const otherOutputs = written
      .map((file) => join(outdir, file))
      .filter((file) => file !== mainPath && statSync(file).isFile())
      .map((file) => sizeOf(relative(ROOT, file)));
    const totalUploadLine = /Total Upload: .*/.exec(build.output)?.[0] ?? null;

    return {
      command,
      wranglerToml,
      mainModule: {
        file: relative(outdir, mainPath),
        rawBytes,
        gzipBytes,
        gzipKiB: round(kib(gzipBytes), 1),
      },
      totalUploadLine,
      pdf: {
        split: pdfChunk !== undefined,
        chunk: pdfChunk ? sizeOf(pdfChunk[0]) : null,
        inlinedInMain,
        bytesInMain: pdfBytesInMain,
        gzipEstimateInMainKiB: inlinedInMain
          ? round(kib(gzipShare(pdfBytesInMain, rawBytes, gzipBytes)), 1)
          : null,
      },
      otherOutputs,
      zodLocalesBytes: inputs
        .filter(([input]) => /node_modules\/zod\/.*\/locales\//.test(input))
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0),
      topPackages: groupByPackage(entryOutput.inputs)
        .slice(0, 12)
        .map(([name, bytes]) => ({ name, bytes, share: share(bytes) })),
      topFiles: inputs
        .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
        .slice(0, 12)
        .map(([name, input]) => ({ name, bytes: input.bytesInOutput, share: share(input.bytesInOutput) })),
      splitWhatIf: pdfChunk ? null : await splitWhatIf(),
      seconds: round((performance.now() - started) / 1000, 1),
    };
  } catch (error) {
    return {
      command,
      wranglerToml,
      mainModule: { file: '', rawBytes: 0, gzipBytes: 0, gzipKiB: Number.NaN },
      totalUploadLine: null,
      pdf: { split: false, chunk: null, inlinedInMain: false, bytesInMain: 0, gzipEstimateInMainKiB: null },
      otherOutputs: [],
      zodLocalesBytes: 0,
      topPackages: [],
      topFiles: [],
      splitWhatIf: null,
      seconds: round((performance.now() - started) / 1000, 1),
      error: String(error),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(metafilePath, { force: true });
  }
}

export function bundleRows(result: BundleResult): Row[] {
  const section = 'worker bundle (wrangler --dry-run --minify)';
  if (result.error) {
    return [
      {
        section,
        figure: 'main module gzip',
        target: `≤ ${BUNDLE_TARGET_GZIP_KIB} KiB`,
        measured: 'error',
        verdict: 'error',
        note: result.error,
      },
    ];
  }
  const top = result.topPackages
    .slice(0, 4)
    .map((entry) => `${entry.name} ${round(kib(entry.bytes), 0)} KiB`)
    .join(', ');
  const rows: Row[] = [
    {
      section,
      figure: 'main module, minified, gzip',
      target: `≤ ${BUNDLE_TARGET_GZIP_KIB} KiB`,
      measured: `${result.mainModule.gzipKiB} KiB (raw ${round(kib(result.mainModule.rawBytes), 1)} KiB)`,
      verdict: verdict(result.mainModule.gzipKiB <= BUNDLE_TARGET_GZIP_KIB),
      note: `top raw contributors: ${top}; zod locales ${round(kib(result.zodLocalesBytes), 0)} KiB`,
    },
  ];
  if (result.pdf.chunk) {
    rows.push({
      section,
      figure: 'PDF renderer chunk (lazy), gzip',
      target: 'separate module',
      measured: `${round(kib(result.pdf.chunk.gzipBytes), 1)} KiB (raw ${round(kib(result.pdf.chunk.rawBytes), 1)} KiB)`,
      verdict: 'pass',
    });
  } else {
    rows.push({
      section,
      figure: 'PDF renderer split into its own module',
      target: 'separate module',
      measured: result.pdf.inlinedInMain
        ? `inlined: ~${round(kib(result.pdf.bytesInMain), 0)} KiB raw (~${result.pdf.gzipEstimateInMainKiB} KiB gzip est.) in main`
        : 'not found in the bundle',
      verdict: verdict(false),
      note: result.pdf.inlinedInMain
        ? `esbuild inlined the lazily imported ${PDF_RENDERER} (and pdf-lib/fontkit/fonts) into the main module`
        : `${PDF_RENDERER} appears in no output`,
    });
  }
  const whatIf = result.splitWhatIf;
  if (whatIf && !whatIf.error) {
    const top = whatIf.topPackages
      .slice(0, 4)
      .map((entry) => `${entry.name} ${round(kib(entry.bytes), 0)} KiB`)
      .join(', ');
    rows.push({
      section,
      figure: 'what-if: main module gzip with the PDF renderer split out',
      target: `≤ ${BUNDLE_TARGET_GZIP_KIB} KiB`,
      measured: `${round(kib(whatIf.mainGzipBytes), 1)} KiB (PDF chunk ${round(kib(whatIf.pdfChunkGzipBytes), 1)} KiB)`,
      verdict: 'info',
      note: `${whatIf.note}; top raw: ${top}`,
    });
  }
  return rows;
}
