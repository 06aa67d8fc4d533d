import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_WORKING_HOURS, parseWorkingHours } from './concerns/working-hours.js';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** true/false, 1/0, yes/no, on/off (any case); empty is unset. */
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', '']))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v))
  .default(false);

/** An IPv4 or IPv6 address, or a CIDR block of either. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/** A comma- or space-separated list of addresses and CIDR blocks; empty is none. */
const addressList = z
  .string()
  .trim()
  .transform((v) => v.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(z.string().refine(isAddressOrCidr, { message: 'each entry must be an IP address or CIDR block, e.g. 10.0.0.0/8' })))
  .default([]);

const url = (protocol = /^https?$/) => z.string().trim().pipe(z.url({ protocol }));

/** The care co-ordination team's working hours (src/concerns/working-hours.ts). */
const workingHours = z
  .string()
  .trim()
  .default(DEFAULT_WORKING_HOURS)
  .transform((v, ctx) => {
    const parsed = parseWorkingHours(v === '' ? DEFAULT_WORKING_HOURS : v);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Every setting Carepoint reads. .env.example documents each one. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    PUBLIC_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    /** A PostgreSQL server: how long to wait for a connection, and for one statement, counted by the client. */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
    /** A delivery whose turn died mid-way (a crash) is processed by the next delivery of it after this. */
    // Minutes a co-ordinator's claim lasts without activity on it; then the item returns to the queue.
    CLAIM_LEASE_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
    TURN_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    KNOWLEDGE_DIR: z.string().trim().min(1).default('./knowledge'),
    /** The on-call rota (src/oncall/); unset: rota.yaml in DATA_DIR. A missing file is no rota: no one on call. */
    ROTA_FILE: optionalText,
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    // --- Bot Framework authentication endpoints (botframework-connector's names; Azure's public cloud by default) ---
    ToBotFromChannelOpenIdMetadataUrl: url().default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
    ToBotFromChannelTokenIssuer: z.string().trim().min(1).default('https://api.botframework.com'),
    ToBotFromEmulatorOpenIdMetadataUrl: url().default('https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration'),
    ToChannelFromBotLoginUrl: url().default('https://login.microsoftonline.com/botframework.com'),
    ToChannelFromBotOAuthScope: z.string().trim().min(1).default('https://api.botframework.com'),
    OAuthUrl: url().default('https://api.botframework.com'),
    ValidateAuthority: flag.default(true),
    // --- end Bot Framework authentication ---
    /** Proxies whose X-Forwarded-For is believed when limiting per client address. */
    TRUSTED_PROXIES: addressList,
    // --- co-ordinators' console sign-in (src/console/auth) ---
    ENTRA_TENANT_ID: optionalText,
    ENTRA_CLIENT_ID: optionalText,
    ENTRA_CLIENT_SECRET: optionalText,
    /** Instead of a client secret: a certificate's PEM private key (a file) and the certificate's SHA-256 thumbprint (hex). */
    ENTRA_CERTIFICATE_KEY_FILE: optionalText,
    ENTRA_CERTIFICATE_THUMBPRINT: optionalText.pipe(z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 thumbprint (64 hex digits)').optional()),
    /** Where the tenant's /.well-known/openid-configuration is; https://login.microsoftonline.com/{ENTRA_TENANT_ID}/v2.0 by default. */
    ENTRA_AUTHORITY: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
    /** HMAC key of the console's session cookie: the same on every instance. */
    SESSION_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    // --- end console sign-in ---
    COORDINATOR_DEV_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** When the care co-ordination team works: what a person is told to expect follows from it. */
    WORKING_HOURS: workingHours,
    LOG_LEVEL: logLevel.default('info'),
    LOG_HASH_SECRET: optionalText,
    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_PHONE_NUMBER: optionalText,
    TWILIO_API_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    // --- staff paging (src/oncall/paging) ---
    /** The number pages are sent from; unset: TWILIO_PHONE_NUMBER (the same Twilio account either way). */
    PAGING_FROM_NUMBER: optionalText,
    /** Minutes an emergency (urgent) page waits for a claim or an ACK before the next person in the chain is paged. */
    PAGE_ACK_EMERGENCY_MINUTES: z.coerce.number().positive().max(120).default(5),
    PAGE_ACK_URGENT_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
    /** The watchdog alerts (and pages the final contact) when an emergency or urgent concern is unclaimed this long. */
    PAGE_WATCHDOG_MINUTES: z.coerce.number().positive().max(24 * 60).default(30),
    /** What an urgent concern is promised while someone is on call: contact within this many minutes. */
    ONCALL_CONTACT_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(120),
    // --- end staff paging ---
    /** The development SMS simulator (GET /dev/sms): only when asked for, never in production. */
    SMS_SIMULATOR: flag,
    DIRECT_LINE_SECRET: optionalText,
    // --- web chat (src/channels/webchat) ---
    DIRECT_LINE_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    WEBCHAT_TOKEN_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    // --- end web chat ---
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    OPENAI_CHAT_MODEL: optionalText,
    OPENAI_EMBEDDINGS_MODEL: optionalText,
    // --- model urgency check (src/safety/model-urgency-check.ts) ---
    /** How long a turn waits for the model's urgency verdict before the rule result stands. */
    OPENAI_URGENCY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
  })
  .superRefine((c, ctx) => {
    // Development and test modes leave /api/messages unauthenticated (no MicrosoftAppId) and honour the dev token:
    // only this machine may reach them.
    if (c.NODE_ENV !== 'production' && !isLoopbackHost(c.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `must be a loopback address (127.0.0.1, ::1, localhost) while NODE_ENV is ${c.NODE_ENV}: development mode is unauthenticated; set NODE_ENV=production to listen on a network`,
      });
    }
    if (c.MicrosoftAppId && !c.MicrosoftAppPassword && c.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set' });
    }
    if (c.MicrosoftAppType === 'SingleTenant' && c.MicrosoftAppId && !c.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'is required for a SingleTenant bot' });
    }
    // --- SMS (src/channels/sms) ---
    if (c.NODE_ENV === 'production' && c.TWILIO_AUTH_TOKEN && !c.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required in production with SMS (Twilio signs the public https address)' });
    }
    if (c.NODE_ENV === 'production' && !c.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_AUTH_TOKEN'], message: 'is required in production (every SMS webhook request is checked against it)' });
    }
    if (c.NODE_ENV === 'production' && c.SMS_SIMULATOR) {
      ctx.addIssue({ code: 'custom', path: ['SMS_SIMULATOR'], message: 'must be off in production (the simulator signs webhooks with the auth token for anyone who can reach it)' });
    }
    // --- end SMS ---
    // --- language models (src/ai/language-models.ts): a named model without a key would fail on every turn ---
    for (const name of ['OPENAI_CHAT_MODEL', 'OPENAI_EMBEDDINGS_MODEL'] as const) {
      if (c[name] && !c.OPENAI_API_KEY) {
        ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: `is required when ${name} is set (a local server that needs none accepts any value)` });
      }
    }
    // --- console sign-in (src/console/auth) ---
    const entraNamed = c.ENTRA_TENANT_ID || c.ENTRA_CLIENT_ID || c.ENTRA_CLIENT_SECRET || c.ENTRA_AUTHORITY || c.ENTRA_CERTIFICATE_KEY_FILE;
    if (entraNamed) {
      if (!c.ENTRA_CLIENT_ID) ctx.addIssue({ code: 'custom', path: ['ENTRA_CLIENT_ID'], message: 'is required for Entra ID sign-in (the app registration\'s application id)' });
      if (!c.ENTRA_TENANT_ID && !c.ENTRA_AUTHORITY) ctx.addIssue({ code: 'custom', path: ['ENTRA_TENANT_ID'], message: 'is required for Entra ID sign-in (or set ENTRA_AUTHORITY)' });
      if (!c.ENTRA_CLIENT_SECRET && !c.ENTRA_CERTIFICATE_KEY_FILE) {
        ctx.addIssue({ code: 'custom', path: ['ENTRA_CLIENT_SECRET'], message: 'is required for Entra ID sign-in (or ENTRA_CERTIFICATE_KEY_FILE with ENTRA_CERTIFICATE_THUMBPRINT)' });
      }
      if (c.ENTRA_CERTIFICATE_KEY_FILE && !c.ENTRA_CERTIFICATE_THUMBPRINT) {
        ctx.addIssue({ code: 'custom', path: ['ENTRA_CERTIFICATE_THUMBPRINT'], message: 'is required with ENTRA_CERTIFICATE_KEY_FILE' });
      }
    }
    if (c.NODE_ENV === 'production' && !c.ENTRA_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['ENTRA_CLIENT_ID'], message: 'is required in production: co-ordinators sign in to the console and the queue API with Entra ID' });
    }
    if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production (32+ characters, the same on every instance: it signs console session cookies)' });
    }
    // --- end console sign-in ---
    if (c.NODE_ENV === 'production' && !c.LOG_HASH_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['LOG_HASH_SECRET'], message: 'is required in production (it keys the hashes of identifiers in logs)' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Parses the environment once; every problem is reported as `NAME: what is wrong`. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const result = configSchema.safeParse(env);
  if (result.success) return { ok: true, config: result.data };
  const errors = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = env[name];
    const shown = value === undefined || /SECRET|PASSWORD|TOKEN|KEY/.test(name) ? '' : ` (got "${value}")`;
    return `${name}: ${issue.message}${shown}`;
  });
  return { ok: false, errors };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
