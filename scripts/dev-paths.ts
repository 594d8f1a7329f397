import { resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);

export const DEV_DATA_DIR = {
  root: resolve(root, '.data'),
  postgres: resolve(root, '.data/postgres'),
  keys: resolve(root, '.data/keys'),
};
