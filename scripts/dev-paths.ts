import { resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
/** DEV_DATA_DIR moves the local data elsewhere (the tooling tests run dev servers of their own there). */
const dataRoot = resolve(root, process.env.DEV_DATA_DIR ?? '.data');

export const DEV_DATA_DIR = {
  root: dataRoot,
  postgres: resolve(dataRoot, 'postgres'),
  keys: resolve(dataRoot, 'keys'),
  /** Written by the process that runs the local stack (`npm run dev`, `npm run dev:worker`) while it runs. */
  runningServer: resolve(dataRoot, 'running-server.json'),
};
