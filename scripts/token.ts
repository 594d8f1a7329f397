import { parseArgs } from 'node:util';
import { DEV_DATA_DIR } from './dev-paths';
import { loadOrCreateKeyPair } from './local-auth/keys';
import { mintSessionToken } from './local-auth/mint-token';

const usage =
  'usage: npm run -s token -- --user <clerk user id> [--plan <plan>] [--admin] [--expires-in <seconds>]';

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    plan: { type: 'string' },
    admin: { type: 'boolean', default: false },
    'expires-in': { type: 'string', default: String(24 * 3600) },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.user) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const expiresIn = Number(values['expires-in']);
if (!Number.isInteger(expiresIn)) {
  console.error(`--expires-in must be a whole number of seconds\n${usage}`);
  process.exit(2);
}

const keys = loadOrCreateKeyPair(DEV_DATA_DIR.keys);
const token = await mintSessionToken(keys.privateKeyPem, {
  userId: values.user,
  expiresIn,
  admin: values.admin,
  ...(values.plan ? { plan: values.plan } : {}),
});
process.stdout.write(`${token}\n`);
