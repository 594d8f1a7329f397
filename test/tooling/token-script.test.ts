/** `npm run token` is the first thing a newcomer types wrong: every mistake is one line and exit 2. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { decodeJwt } from '@clerk/backend/jwt';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/repo-files';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function runTokenScript(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['scripts/token.ts', ...args],
      { cwd: REPO_ROOT, env: { ...process.env, WORKSHOP_CAPS: '' } },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

describe('npm run token', () => {
  it.each([
    [['--usr', 'user_a'], /Unknown option '--usr'/],
    [['--user'], /'--user <value>' argument missing/],
    [['--user', 'user_a', '--expires-in', '-10'], /--expires-in=-60/],
    [['--user', 'user_a', '--expires-in', 'soon'], /whole number of seconds/],
    [['--user', 'user_a', '--plan', 'enterprise'], /unknown plan "enterprise".*free, pro, team/],
    [['--user', 'user_a', 'extra'], /Unexpected argument 'extra'/],
    [[], /--user <clerk user id> is required/],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const { exitCode, stdout, stderr } = await runTokenScript(args);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });

  it('prints its help and exits 0', async () => {
    const { exitCode, stdout } = await runTokenScript(['--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('--expires-in');
  });

  it('mints a token with the plan and lifetime asked for, expired when negative', async () => {
    const [pro, expired] = await Promise.all([
      runTokenScript(['--user', 'user_a', '--plan', 'pro', '--expires-in', '120']),
      runTokenScript(['--user', 'user_a', '--expires-in=-60']),
    ]);
    const claims = decodeJwt(pro.stdout.trim()).payload;
    expect(claims.sub).toBe('user_a');
    expect(claims.metadata).toEqual({ plan: 'pro' });
    // Signing may stamp `iat` a second after the script read the clock.
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeGreaterThanOrEqual(119);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(120);
    const expiredClaims = decodeJwt(expired.stdout.trim()).payload;
    expect(expiredClaims.exp ?? 0).toBeLessThan(Date.now() / 1000);
  });
});
