import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/env';
import { DEV_DATA_DIR } from './dev-paths';
import { loadOrCreateKeyPair } from './local-auth/keys';
import { mintSessionToken } from './local-auth/mint-token';

const HELP = `Mints a Clerk-shaped session token for the local API (signed with the key under .data/keys).

usage: npm run -s token -- --user <clerk user id> [--plan <plan>] [--admin] [--expires-in <seconds>]

  --user <id>           the Clerk user id the token is for (required), e.g. user_alice
  --plan <plan>         the caller's plan: one of the plans WORKSHOP_CAPS knows (default free)
  --admin               role admin in the token's metadata (may edit step definitions)
  --expires-in <s>      lifetime in seconds (default 86400); --expires-in=-60 mints an expired token
  --help                this text`;

/** One line on stderr and exit 2: what a typo deserves. */
function fail(message: string): never {
  console.error(`token: ${message} (npm run -s token -- --help)`);
  process.exit(2);
}

function parseArguments() {
  try {
    return parseArgs({
      options: {
        user: { type: 'string' },
        plan: { type: 'string', default: 'free' },
        admin: { type: 'boolean', default: false },
        'expires-in': { type: 'string', default: String(24 * 3600) },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const message = error instanceof Error ? error.message : String(error);
    if (!code.startsWith('ERR_PARSE_ARGS')) throw error;
    if (/ambiguous/.test(message)) fail('a negative --expires-in is written --expires-in=-60');
    fail((message.split('\n')[0] ?? message).replace(/\. .*$/, ''));
  }
}

const values = parseArguments();
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (!values.user) fail('--user <clerk user id> is required');

const expiresIn = Number(values['expires-in']);
if (!/^-?\d+$/.test(values['expires-in']) || expiresIn === 0) {
  fail(`--expires-in takes a non-zero whole number of seconds, not "${values['expires-in']}"`);
}

if (existsSync('.env')) process.loadEnvFile('.env');
// The same parsing the API applies, so a plan the API would quietly treat as free is refused here.
const plans = Object.keys(configSchema.shape.WORKSHOP_CAPS.parse(process.env.WORKSHOP_CAPS));
if (!plans.includes(values.plan)) {
  fail(`unknown plan "${values.plan}": the API would treat it as free; known plans: ${plans.join(', ')}`);
}

const keys = loadOrCreateKeyPair(DEV_DATA_DIR.keys);
const token = await mintSessionToken(keys.privateKeyPem, {
  userId: values.user,
  expiresIn,
  admin: values.admin,
  plan: values.plan,
});
process.stdout.write(`${token}\n`);
