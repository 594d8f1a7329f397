/**
 * `npm install` warns EBADENGINE when a package in the tree does not accept the running Node. Checked on
 * the lockfile for the oldest release of every line package.json's `engines` supports, so an upgrade that
 * drops one of them (wrangler after 4.86.0 wants Node 22) goes red here, on whatever Node runs the suite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/repo-files';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  os?: string[];
  cpu?: string[];
  optional?: boolean;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The first release of each `||` alternative: `^20.19.0 || ^22.13.0 || ^24.0.0` → 20.19.0, 22.13.0, 24.0.0. */
const OLDEST_SUPPORTED = manifest.engines.node
  .split('||')
  .map((range) => semver.minVersion(range.trim())?.version ?? range);

/** What npm installs on Linux x64 (CI, this machine): packages for other platforms are skipped, unchecked. */
const installedHere = (entry: LockedPackage) =>
  (!entry.os || entry.os.includes('linux')) && (!entry.cpu || entry.cpu.includes('x64'));

describe('the lockfile on every supported Node line', () => {
  it('supports exactly the even lines 20, 22 and 24 (20 from 20.19, 22 from 22.13)', () => {
    expect(OLDEST_SUPPORTED).toEqual(['20.19.0', '22.13.0', '24.0.0']);
  });

  it.each(OLDEST_SUPPORTED)('has no installed package whose engines refuse Node %s', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && installedHere(entry))
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range && !semver.satisfies(version, range) ? [`${path} (${range})`] : [];
      });
    expect(refusing).toEqual([]);
  });

  it('holds one wrangler', () => {
    const wranglers = Object.keys(lock.packages).filter((path) => path.endsWith('node_modules/wrangler'));
    expect(wranglers).toEqual(['node_modules/wrangler']);
  });
});
