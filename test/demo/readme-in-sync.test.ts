/**
 * The README walk-through is generated from scripts/demo/workflow.ts; this fails when they differ.
 * Fix: `npm run demo -- --write-readme` (never edit the block by hand).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  extractReadmeBlock,
  extractShellScript,
  renderReadmeBlock,
  renderShellScript,
  renderStep,
  singleQuoted,
} from '../../scripts/demo/readme-block';
import { WORKFLOW } from '../../scripts/demo/workflow';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

const bash = (script: string, args: string[] = []) =>
  spawnSync('bash', [...args, '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

describe('README walk-through', () => {
  it('is exactly what the workflow renders (run `npm run demo -- --write-readme`)', () => {
    const block = extractReadmeBlock(readFileSync(README, 'utf8'));
    expect(block).toBe(renderReadmeBlock(WORKFLOW));
    expect(extractShellScript(block)).toBe(renderShellScript(WORKFLOW));
  });

  it('is valid bash', () => {
    const result = spawnSync('bash', ['-n'], { input: renderShellScript(WORKFLOW), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('needs no jq and no curl option newer than the 7.x basics (--json, --fail-with-body, %header{})', () => {
    const script = renderShellScript(WORKFLOW);
    expect(script).not.toMatch(/--json|--fail-with-body|%header\{|\bjq\b/);
  });

  it('passes bodies through the shell untouched, quotes and dollars included', () => {
    const text = `it's "$HOME" \\ \`date\` ${'$'}(id) 65 °C`;
    expect(bash(`printf %s ${singleQuoted(text)}`).stdout).toBe(text);
    const rendered = renderStep(
      { kind: 'http', explain: 'x', method: 'POST', path: '/api/x', body: { text }, expect: 200 },
      0,
    );
    const data = /-d ('(?:[^']|'\\'')*')/.exec(rendered)?.[1] ?? '';
    expect(JSON.parse(bash(`printf %s ${data}`).stdout)).toEqual({ text });
  });
});
