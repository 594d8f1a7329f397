import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClerkUserId } from '../src/schemas/common';
import { DEV_DATA_DIR } from './dev-paths';
import { signClerkDelivery, userDeletedEvent } from './local-auth/clerk-webhook';
import { loadOrCreateWebhookSecret } from './local-auth/keys';

const USAGE =
  'usage: npm run -s webhook -- user.deleted --user <clerk user id>   (PORT or BASE_URL: where the API runs)';
const EVENT_TYPES = ['user.deleted'];

function fail(message: string, status: number): never {
  console.error(message);
  process.exit(status);
}

function parseArguments() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { user: { type: 'string' }, help: { type: 'boolean', default: false } },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)} (see --help)`, 2);
  }
}

const { values, positionals } = parseArguments();
if (values.help) {
  console.log(
    `${USAGE}\nSigns the event as Clerk's webhook delivery (Svix) would, with the dev server's signing secret ` +
      '(CLERK_WEBHOOK_SIGNING_SECRET, else the one under .data/keys), and sends it to POST /api/webhooks/clerk. ' +
      'Prints the answer; exits 0 only when the API accepted it.',
  );
  process.exit(0);
}
const [eventType, ...extra] = positionals;
if (!eventType || extra.length > 0) fail('expected exactly one event type, user.deleted (see --help)', 2);
if (!EVENT_TYPES.includes(eventType))
  fail(`unsupported event type "${eventType}" (supported: ${EVENT_TYPES.join(', ')})`, 2);
if (!values.user) fail('--user <clerk user id> is required (see --help)', 2);
if (!ClerkUserId.safeParse(values.user).success)
  fail(`--user "${values.user}" is not a Clerk user id such as user_2abc…`, 2);

// The dev server reads .env the same way, so both sides agree on the port and the secret.
if (existsSync('.env')) process.loadEnvFile('.env');
const base = process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
let url: URL;
try {
  url = new URL('/api/webhooks/clerk', base);
} catch {
  fail(`BASE_URL "${base}" is not a URL`, 2);
}
const secret = process.env.CLERK_WEBHOOK_SIGNING_SECRET || loadOrCreateWebhookSecret(DEV_DATA_DIR.keys);
const delivery = signClerkDelivery(secret, userDeletedEvent(values.user));

let response: Response;
try {
  response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
} catch (error) {
  fail(
    `cannot reach ${url.origin} (${error instanceof Error ? error.message : String(error)}); is \`npm run dev\` running?`,
    1,
  );
}
const text = (await response.text()).replaceAll(/\s*\n\s*/g, ' ').trim();
console.log(`${response.status} ${text}`);
process.exit(response.ok ? 0 : 1);
