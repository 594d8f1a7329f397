/** The one table the bench prints, and bench/results.json. */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export type Verdict = 'pass' | 'FAIL' | 'info' | 'error';

export interface Row {
  section: string;
  figure: string;
  target: string;
  measured: string;
  verdict: Verdict;
  /** Why it failed, or what to look at. */
  note?: string;
}

export const verdict = (ok: boolean): Verdict => (ok ? 'pass' : 'FAIL');

/** A row that failed its target or could not be measured: either makes the bench run exit non-zero. */
export const missedTarget = (row: Row): boolean => row.verdict === 'FAIL' || row.verdict === 'error';

export function printTable(rows: readonly Row[]): string {
  const headers = ['figure', 'target', 'measured', 'result'];
  const cells = rows.map((row) => [row.figure, row.target, row.measured, row.verdict]);
  const widths = headers.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  const out: string[] = [line(headers), rule];
  let section = '';
  for (const [index, row] of rows.entries()) {
    if (row.section !== section) {
      section = row.section;
      out.push(line([`**${section}**`, '', '', '']));
    }
    out.push(line(cells[index] ?? []));
  }
  const failed = rows.filter(missedTarget);
  const notes = failed.filter((row) => row.note).map((row) => `  - ${row.figure}: ${row.note}`);
  const summary = `${rows.filter((row) => row.verdict === 'pass').length} pass, ${failed.length} fail/error, ${
    rows.filter((row) => row.verdict === 'info').length
  } info`;
  return [...out, '', summary, ...(notes.length ? ['', 'notes on failures:', ...notes] : [])].join('\n');
}

export function machine() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

export function writeResults(path: string, results: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
