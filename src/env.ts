import { z } from 'zod';

const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const milliseconds = (fallback: number) => z.coerce.number().int().min(50).max(60_000).default(fallback);

export const DEFAULT_WORKSHOP_CAPS: Readonly<Record<string, number>> = { free: 3, pro: 50, team: 500 };

/** `free:3,pro:50` — plans absent from the variable keep their defaults. */
const workshopCaps = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const caps: Record<string, number> = { ...DEFAULT_WORKSHOP_CAPS };
    for (const pair of value.split(',').map((item) => item.trim())) {
      if (!pair) continue;
      const match = /^([a-z0-9_-]{1,32}):(\d{1,6})$/.exec(pair);
      if (!match?.[1] || !match[2]) {
        ctx.addIssue({
          code: 'custom',
          message: `expected plan:cap pairs like "free:3,pro:50", got "${pair}"`,
        });
        return z.NEVER;
      }
      caps[match[1]] = Number(match[2]);
    }
    return caps;
  });

/** Env files cannot hold newlines comfortably, so `\n` escapes in the PEM are accepted. */
const pemPublicKey = z
  .string()
  .transform((value) => value.replaceAll('\\n', '\n').trim())
  .refine((value) => /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----$/.test(value), {
    message: 'expected a PEM public key (-----BEGIN PUBLIC KEY----- …)',
  });

/** The dev server's own address (`npm run dev`), so share links work locally without configuration. */
export const DEFAULT_PUBLIC_BASE_URL = 'http://127.0.0.1:8787';

/** Where clients reach the API: public links are built from it, never from the request's Host header. */
const publicBaseUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.example.com' })
  .default(DEFAULT_PUBLIC_BASE_URL)
  .refine(
    (value) => {
      if (!URL.canParse(value)) return true; // already reported by z.url
      const url = new URL(value);
      return !url.username && !url.password && !url.search && !url.hash;
    },
    { message: 'expected no credentials, query or fragment' },
  )
  .transform((value) => value.replace(/\/+$/, ''));
/**
 * Every deployment is treated as production: there is no mode in which a token's `azp` or `iss` go
 * unchecked, because a switch a deployment can forget is the hole itself. The project's own local setups
 * (dev server, tests, benchmarks) pass the local values from scripts/local-auth.
 */
const authorizedParties = commaList.refine((parties) => parties.length > 0, {
  message: "is required: the comma-separated frontend origins allowed as a token's azp",
});

/** The Frontend API URL of the Clerk instance, exactly as its tokens carry it in `iss`. */
const clerkIssuer = z
  .string({ error: "is required: the Frontend API URL of the Clerk instance (a token's iss)" })
  .regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/i, "expected https://<Frontend API host>, as in a token's iss");

/**
 * Clerk's webhook signing secret as its dashboard shows it: `whsec_` and a base64 key. Optional: without it
 * the webhook route refuses every request rather than accepting unsigned events.
 */
const webhookSigningSecret = z
  .string()
  .refine((value) => /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(value) && value.length % 4 === 2, {
    message:
      'expected whsec_ followed by a base64 key (Clerk dashboard → Webhooks → endpoint → Signing Secret)',
  })
  .optional();

export const configSchema = z.object({
  DATABASE_URL: z
    .string({ error: 'is required' })
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'expected a postgres:// or postgresql:// connection string'),
  NEON_SQL_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  CLERK_SECRET_KEY: z
    .string({ error: 'is required' })
    .regex(/^sk_(test|live)_\S+$/, 'expected sk_test_… or sk_live_…'),
  CLERK_PUBLISHABLE_KEY: z
    .string({ error: 'is required' })
    .regex(/^pk_(test|live)_\S+$/, 'expected pk_test_… or pk_live_…'),
  CLERK_JWT_KEY: pemPublicKey,
  CLERK_AUTHORIZED_PARTIES: authorizedParties,
  CLERK_ISSUER: clerkIssuer,
  CORS_ORIGINS: commaList,
  WORKSHOP_CAPS: workshopCaps,
  HEALTH_TIMEOUT_MS: milliseconds(2_000),
  DB_TIMEOUT_MS: milliseconds(5_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** JSON lines for log pipelines (production); one readable line per request for a terminal (dev). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  PUBLIC_BASE_URL: publicBaseUrl,
  CLERK_WEBHOOK_SIGNING_SECRET: webhookSigningSecret,
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = Partial<Record<keyof z.input<typeof configSchema>, string>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const parsed = new WeakMap<object, Config>();

/** Validates once per environment object: Workers bindings live as long as the isolate, process.env for the process. */
export function loadConfig(source: Record<string, unknown>): Config {
  const cached = parsed.get(source);
  if (cached) return cached;
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = source[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  parsed.set(source, result.data);
  return result.data;
}
