/**
 * The environment keys (see .env.example) as a zod schema, with their defaults (the embedded
 * single-machine setup), and ConfigError, the one error a bad configuration stops start-up with.
 */
import { z } from 'zod';
import { ErrorCodes, DubangError } from '../contracts/errors';

export class ConfigError extends DubangError {
  static override readonly code = ErrorCodes.ConfigError;
}

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);

/** PostgreSQL sslmode values we honour (libpq's meaning; `prefer`/`allow` cannot be honoured by pg). */
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

const zone = z.string().refine((v) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

/** Environment keys (see .env.example). Defaults are the embedded single-machine setup. */
export const envSchema = z.object({
  DUBANG_TIMEZONE: zone.default('Asia/Shanghai'),
  DUBANG_VAR_DIR: z.string().min(1).default('var'),
  DUBANG_CONFIG_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .url()
    .refine(
      (v) => !URL.canParse(v) || SSL_MODES.includes(new URL(v).searchParams.get('sslmode') ?? 'disable'),
      `sslmode must be one of ${SSL_MODES.join(', ')}`,
    )
    .default('postgresql://postgres@127.0.0.1:5432/dubang'),
  REDIS_URL: z
    .string()
    .url()
    .refine(
      (v) => !URL.canParse(v) || ['redis:', 'rediss:'].includes(new URL(v).protocol),
      'redis://… or rediss://… (TLS)',
    )
    .default('redis://127.0.0.1:6379/0'),
  REDIS_TLS_CA: z.string().min(1).optional(),
  REDIS_SENTINELS: z
    .string()
    .regex(/^[^:\s,]+:\d+(,[^:\s,]+:\d+)*$/, 'host:port[,host:port…] of the Sentinels')
    .optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('dubang'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('dubang-lifecycle'),
  // workflows the Temporal worker keeps in memory between tasks (docs/deploy.md, Worker sizing)
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(1000),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI: z.string().min(1).optional(),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: port.default(2525),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(1).default(200),
  MAIL_FROM: z.string().min(3).default('南昌市质量强市领导小组办公室 <duban@office.nanchang.example>'),
  MAIL_SINK_PORT: port.default(2525),
  // group robots (docs/channels.md): the local robot sink's port, the daily slip summary's hour, the request timeout
  IM_SINK_PORT: port.default(2626),
  IM_SUMMARY_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  IM_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  MAIL_DIGEST_HOUR: z.coerce
    .number()
    .int('a whole hour 0–23')
    .min(0, 'a whole hour 0–23')
    .max(23, 'a whole hour 0–23')
    .default(9),
  MAIL_DIGEST_DEBOUNCE_MS: z.coerce
    .number()
    .int('milliseconds 0–3600000')
    .min(0, 'milliseconds 0–3600000')
    .max(3_600_000, 'milliseconds 0–3600000')
    .default(30_000),
  MAIL_LETTERS: z.enum(['on', 'off'], { message: 'on or off' }).default('on'),
  MAIL_OFFICE_LETTERS: z.enum(['on', 'off'], { message: 'on or off' }).default('on'),
  MAIL_LETTER_DEBOUNCE_MS: z.coerce
    .number()
    .int('milliseconds 0–3600000')
    .min(0, 'milliseconds 0–3600000')
    .max(3_600_000, 'milliseconds 0–3600000')
    .default(60_000),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:8080'),
  // behind a load balancer: which proxies' X-Forwarded-For to believe (the client address the throttles count)
  HTTP_TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
      "false, true, or the proxies' addresses/CIDRs separated by commas",
    )
    .default('false'),
  // a real PUBLIC_URL needs a key of ≥ 32 bytes (checked when the web server and mailer start: infra/links.ts)
  LINK_SECRET: z.string().min(16, 'at least 16 characters').default('dev-only-link-secret-change-me'),
  LINK_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, '1–32 letters, digits, _ or -')
    .default('k1'),
  // key rotation: the key being retired, still accepted until its links have expired (docs/web.md)
  LINK_SECRET_PREVIOUS: z.string().min(16, 'at least 16 characters').optional(),
  LINK_KEY_ID_PREVIOUS: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, '1–32 letters, digits, _ or -')
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** A zod error as one line: `key: message; key: message`. */
export function describe(prefix: string, err: z.ZodError): string {
  return err.issues.map((i) => `${prefix}${i.path.length ? i.path.join('.') : ''}: ${i.message}`).join('; ');
}
