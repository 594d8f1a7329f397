/**
 * Writes DejaVu Sans (regular and bold) as TypeScript modules exporting base64 strings, so the PDF
 * renderer gets its font bytes the same way on Node, Cloudflare Workers and Vercel: no filesystem
 * at runtime and no bundler configuration for binary assets. The modules are generated, not committed
 * (1.8 MB): npm's postinstall runs this after every install, so they exist before anything that
 * imports them (typecheck, tests, the dev server, the Worker and Vercel builds); git ignores them.
 * A module already up to date is left untouched, so watchers see no change.
 *
 * Usage: npx tsx scripts/generate-font-module.ts
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_DIR = join(ROOT, 'node_modules', 'dejavu-fonts-ttf');
/** Where the generated modules go: the one place that names it. */
const OUTPUT_DIR = join(ROOT, 'src', 'build-pack', 'fonts');

export interface FontModuleSpec {
  ttfFile: string;
  moduleFile: string;
  exportName: string;
}

export const FONT_MODULES: readonly FontModuleSpec[] = [
  { ttfFile: 'DejaVuSans.ttf', moduleFile: 'dejavu-sans-regular.ts', exportName: 'dejaVuSansRegularBase64' },
  { ttfFile: 'DejaVuSans-Bold.ttf', moduleFile: 'dejavu-sans-bold.ts', exportName: 'dejaVuSansBoldBase64' },
];

/** FontForge timestamps: nothing reads them. */
const DROPPED_TABLES = new Set(['FFTM']);
/** post format 3 keeps the metrics pdf-lib reads (italic angle, fixed pitch) without ~60 KB of glyph names. */
const POST_FORMAT_3 = 0x00030000;
const POST_HEADER_LENGTH = 32;
const CHECKSUM_MAGIC = 0xb1b0afba;
const HEAD_CHECKSUM_ADJUSTMENT_OFFSET = 8;

interface TableRecord {
  tag: string;
  data: Uint8Array;
}

function readTables(font: Uint8Array): { sfntVersion: number; tables: TableRecord[] } {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const numTables = view.getUint16(4);
  const tables: TableRecord[] = [];
  for (let index = 0; index < numTables; index++) {
    const record = 12 + index * 16;
    const tag = String.fromCharCode(...font.subarray(record, record + 4));
    const offset = view.getUint32(record + 8);
    const length = view.getUint32(record + 12);
    tables.push({ tag, data: font.slice(offset, offset + length) });
  }
  return { sfntVersion: view.getUint32(0), tables };
}

function checksum(data: Uint8Array): number {
  const padded = new Uint8Array(Math.ceil(data.length / 4) * 4);
  padded.set(data);
  const view = new DataView(padded.buffer);
  let sum = 0;
  for (let offset = 0; offset < padded.length; offset += 4) sum = (sum + view.getUint32(offset)) >>> 0;
  return sum;
}

function slimTable(table: TableRecord): TableRecord {
  if (table.tag !== 'post') return table;
  const data = table.data.slice(0, POST_HEADER_LENGTH);
  new DataView(data.buffer).setUint32(0, POST_FORMAT_3);
  return { tag: 'post', data };
}

/** Drops tables the PDF renderer never reads and rebuilds a valid sfnt (directory, checksums). */
export function slimTrueTypeFont(font: Uint8Array): Uint8Array {
  const { sfntVersion, tables: original } = readTables(font);
  const tables = original
    .filter((table) => !DROPPED_TABLES.has(table.tag))
    .map(slimTable)
    .sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const head = tables.find((table) => table.tag === 'head');
  if (!head) throw new Error('font has no head table');
  new DataView(head.data.buffer).setUint32(HEAD_CHECKSUM_ADJUSTMENT_OFFSET, 0);

  const directoryLength = 12 + tables.length * 16;
  const totalLength = tables.reduce(
    (length, table) => length + Math.ceil(table.data.length / 4) * 4,
    directoryLength,
  );
  const output = new Uint8Array(totalLength);
  const view = new DataView(output.buffer);
  const entrySelector = Math.floor(Math.log2(tables.length));
  const searchRange = 2 ** entrySelector * 16;
  view.setUint32(0, sfntVersion);
  view.setUint16(4, tables.length);
  view.setUint16(6, searchRange);
  view.setUint16(8, entrySelector);
  view.setUint16(10, tables.length * 16 - searchRange);

  let offset = directoryLength;
  tables.forEach((table, index) => {
    const record = 12 + index * 16;
    for (let char = 0; char < 4; char++) view.setUint8(record + char, table.tag.charCodeAt(char));
    view.setUint32(record + 4, checksum(table.data));
    view.setUint32(record + 8, offset);
    view.setUint32(record + 12, table.data.length);
    output.set(table.data, offset);
    if (table === head) head.data = output.subarray(offset, offset + table.data.length);
    offset += Math.ceil(table.data.length / 4) * 4;
  });
  new DataView(head.data.buffer, head.data.byteOffset).setUint32(
    HEAD_CHECKSUM_ADJUSTMENT_OFFSET,
    (CHECKSUM_MAGIC - checksum(output)) >>> 0,
  );
  return output;
}

function commentBlock(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.trimEnd())
    .map((line) => ` *${line.length > 0 ? ` ${line.replaceAll('*/', '* /')}` : ''}`)
    .join('\n');
}

export function fontModuleSource(
  spec: FontModuleSpec,
  packageVersion: string,
  licence: string,
  ttf: Uint8Array,
) {
  const base64 = Buffer.from(slimTrueTypeFont(ttf)).toString('base64');
  return `/**
 * GENERATED FILE - DO NOT EDIT, NOT COMMITTED. Written at install by scripts/generate-font-module.ts.
 *
 * ${spec.ttfFile} from the npm package dejavu-fonts-ttf@${packageVersion}, base64-encoded, with the
 * FFTM table and the post table's glyph names removed (nothing else changed). Import it only from
 * the PDF renderer: it is large and must stay out of every other route's bundle.
 *
 * DejaVu fonts licence (from dejavu-fonts-ttf/LICENSE):
 *
${commentBlock(licence)}
 */
export const ${spec.exportName} =
  '${base64}';
`;
}

export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest)
    return String(manifest.version);
  throw new Error('dejavu-fonts-ttf/package.json has no version');
}

export function expectedFontModule(spec: FontModuleSpec): string {
  const licence = readFileSync(join(PACKAGE_DIR, 'LICENSE'), 'utf8');
  const ttf = new Uint8Array(readFileSync(join(PACKAGE_DIR, 'ttf', spec.ttfFile)));
  return fontModuleSource(spec, packageVersion(), licence, ttf);
}

export function fontModulePath(spec: FontModuleSpec): string {
  return join(OUTPUT_DIR, spec.moduleFile);
}

function main(): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  for (const spec of FONT_MODULES) {
    const target = fontModulePath(spec);
    const source = expectedFontModule(spec);
    const name = relative(ROOT, target);
    if (existsSync(target) && readFileSync(target, 'utf8') === source) {
      console.log(`generate-font-module: ${name} is up to date`);
      continue;
    }
    // Write then rename, so nothing reading the module sees half of it.
    writeFileSync(`${target}.partial`, source);
    renameSync(`${target}.partial`, target);
    console.log(`generate-font-module: ${name} (${Math.round(source.length / 1024)} KiB)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
