/**
 * The one reader of process.env. Builds a frozen, typed Config from the environment and the files
 * under config/ (or DUBANG_CONFIG_DIR), validated with zod. A bad value stops start-up with a
 * message that names the key (ConfigError).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { policySchema } from './policy-schema';
import { ErrorCodes, DubangError } from '../contracts/errors';

export class ConfigError extends DubangError {
  static override readonly code = ErrorCodes.ConfigError;
}

/** Repository root (config/ sits at the top level, also after compilation into dist/config/). */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new ConfigError(`cannot find the project root above ${__dirname}`);
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
const envSchema = z.object({
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
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI: z.string().min(1).optional(),
  // workflows the Temporal worker keeps in memory between tasks (docs/deploy.md, Worker sizing)
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(1000),
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

const deadlinePhrasesSchema = z.object({
  phrases: z
    .array(
      z.discriminatedUnion('kind', [
        z.object({
          phrase: z.string().min(1),
          kind: z.literal('deadline'),
          due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
        }),
        z.object({ phrase: z.string().min(1), kind: z.literal('standing') }),
      ]),
    )
    .min(1),
});

export type DeadlinePhraseTable = z.infer<typeof deadlinePhrasesSchema>['phrases'];

export interface Config {
  timezone: string;
  root: string;
  configDir: string;
  varDir: string;
  /**
   * `url` may carry libpq's `sslmode` (disable, require, verify-ca, verify-full) and `sslrootcert`
   * (a CA file, checked at start-up); infra/db/url.ts turns them into pg's TLS options.
   */
  database: { url: string };
  redis: {
    url: string;
    queuePrefix: string;
    /** TLS (a rediss:// URL); `ca` is the PEM text of REDIS_TLS_CA */
    tls?: { ca?: string };
    /** Redis Sentinel: the master is found through these; REDIS_URL then supplies password and db only */
    sentinel?: { name: string; sentinels: { host: string; port: number }[]; password?: string };
  };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    /** TLS on: TEMPORAL_TLS, or implied by any TEMPORAL_TLS_* file or an API key */
    tls: boolean;
    /** PEM text of the client certificate/key (mTLS) and the server CA, and the TLS server name */
    tlsOptions?: { clientCert?: string; clientKey?: string; ca?: string; serverName?: string };
    /** Temporal Cloud API key (sent as a bearer token; needs TLS) */
    apiKey?: string;
    cli?: string;
    /** the worker's sticky cache: workflows kept in memory between tasks (TEMPORAL_MAX_CACHED_WORKFLOWS) */
    maxCachedWorkflows: number;
  };
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    pass?: string;
    timeoutMs: number;
    poolSize: number;
    ratePerSecond: number;
    from: string;
    sinkPort: number;
    /** the optional daily digest (contacts flagged `digest` in the units directory) */
    digest: {
      /** local hour (0–23) of the daily digest */
      hour: number;
      /** wait after the digest moment so every notice due then is parked first */
      debounceMs: number;
    };
    /**
     * unit letters (app/notices/letters.ts): a unit's contacts get one email per moment carrying
     * every item of it; `debounceMs` is how long a letter waits for the rest of its moment
     */
    letters: { enabled: boolean; debounceMs: number };
  };
  http: {
    host: string;
    port: number;
    publicUrl: string;
    linkSecret: string;
    linkKeyId: string;
    /** the key being rotated out, accepted alongside the current one */
    linkPrevious: { secret: string; keyId: string } | null;
    /** Fastify's trustProxy: false, true, or the proxies' addresses (comma-separated) */
    trustProxy: boolean | string;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  deadlinePhrases: DeadlinePhraseTable;
  policy: z.infer<typeof policySchema>;
  /** path of the units directory file (config/units.json) */
  unitsFile: string;
  /** path of the holiday override file (config/holidays-override.json) */
  holidaysOverrideFile: string;
}

function describe(prefix: string, err: z.ZodError): string {
  return err.issues.map((i) => `${prefix}${i.path.length ? i.path.join('.') : ''}: ${i.message}`).join('; ');
}

export function readJson<T>(file: string, schema: z.ZodType<T>, label: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${label} (${file}): ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${label} (${file}): ${describe('', parsed.error)}`);
  return parsed.data;
}

/**
 * Loads the configuration. `env` defaults to process.env; pass an object in tests.
 * Relative paths are resolved against the project root.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describe('', parsed.error)}`);
  const e = parsed.data;
  if (e.LINK_SECRET_PREVIOUS && !e.LINK_KEY_ID_PREVIOUS)
    throw new ConfigError(
      'invalid configuration: LINK_KEY_ID_PREVIOUS: required with LINK_SECRET_PREVIOUS (the id the previous key signed with, e.g. k1)',
    );
  if (e.LINK_KEY_ID_PREVIOUS && e.LINK_KEY_ID_PREVIOUS === e.LINK_KEY_ID)
    throw new ConfigError(
      'invalid configuration: LINK_KEY_ID_PREVIOUS: must differ from LINK_KEY_ID (give the new key a new id, e.g. k2)',
    );
  const root = projectRoot();
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(root, p));
  const configDir = abs(e.DUBANG_CONFIG_DIR ?? 'config');
  const deadlinePhrases = readJson(
    path.join(configDir, 'deadline-phrases.json'),
    deadlinePhrasesSchema,
    'deadline phrases',
  ).phrases;
  const policy = readJson(path.join(configDir, 'policy.json'), policySchema, 'policy');
  const conn = connectionSettings(e, abs);
  const config: Config = {
    timezone: e.DUBANG_TIMEZONE,
    root,
    configDir,
    varDir: abs(e.DUBANG_VAR_DIR),
    database: { url: conn.databaseUrl },
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX, ...conn.redis },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiPort: e.TEMPORAL_UI_PORT,
      maxCachedWorkflows: e.TEMPORAL_MAX_CACHED_WORKFLOWS,
      ...conn.temporal,
      ...(e.TEMPORAL_CLI ? { cli: e.TEMPORAL_CLI } : {}),
    },
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      ...(e.SMTP_USER ? { user: e.SMTP_USER } : {}),
      ...(e.SMTP_PASS ? { pass: e.SMTP_PASS } : {}),
      timeoutMs: e.SMTP_TIMEOUT_MS,
      poolSize: e.SMTP_POOL_SIZE,
      ratePerSecond: e.SMTP_RATE_PER_SECOND,
      from: e.MAIL_FROM,
      sinkPort: e.MAIL_SINK_PORT,
      digest: { hour: e.MAIL_DIGEST_HOUR, debounceMs: e.MAIL_DIGEST_DEBOUNCE_MS },
      letters: { enabled: e.MAIL_LETTERS === 'on', debounceMs: e.MAIL_LETTER_DEBOUNCE_MS },
    },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      publicUrl: e.PUBLIC_URL,
      linkSecret: e.LINK_SECRET,
      linkKeyId: e.LINK_KEY_ID,
      linkPrevious: e.LINK_SECRET_PREVIOUS ? { secret: e.LINK_SECRET_PREVIOUS, keyId: e.LINK_KEY_ID_PREVIOUS! } : null,
      trustProxy: e.HTTP_TRUST_PROXY === 'true' ? true : e.HTTP_TRUST_PROXY === 'false' ? false : e.HTTP_TRUST_PROXY,
    },
    logLevel: e.LOG_LEVEL,
    deadlinePhrases,
    policy,
    unitsFile: path.join(configDir, 'units.json'),
    holidaysOverrideFile: path.join(configDir, 'holidays-override.json'),
  };
  return deepFreeze(config);
}

/**
 * Reads a PEM file named by an environment key; a missing, unreadable or non-PEM file stops
 * start-up naming the key and the path.
 */
function pemFile(key: string, file: string, what: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: ${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${what}-----`).test(text)) {
    throw new ConfigError(
      `invalid configuration: ${key}: ${file} is not a PEM ${what === 'CERTIFICATE' ? 'certificate' : 'private key'} (expected a "-----BEGIN …${what}-----" block)`,
    );
  }
  return text;
}

type Env = z.infer<typeof envSchema>;

/** TLS, API key and Sentinel settings of Temporal, Redis and PostgreSQL, with their files read and checked. */
function connectionSettings(
  e: Env,
  abs: (p: string) => string,
): {
  databaseUrl: string;
  temporal: Pick<Config['temporal'], 'tls' | 'tlsOptions' | 'apiKey'>;
  redis: Pick<Config['redis'], 'tls' | 'sentinel'>;
} {
  const bad = (msg: string) => new ConfigError(`invalid configuration: ${msg}`);
  if (!!e.TEMPORAL_TLS_CERT !== !!e.TEMPORAL_TLS_KEY) {
    throw bad(
      `${e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'}: mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (the client certificate and its private key)`,
    );
  }
  const tlsOptions = {
    ...(e.TEMPORAL_TLS_CERT
      ? { clientCert: pemFile('TEMPORAL_TLS_CERT', abs(e.TEMPORAL_TLS_CERT), 'CERTIFICATE') }
      : {}),
    ...(e.TEMPORAL_TLS_KEY ? { clientKey: pemFile('TEMPORAL_TLS_KEY', abs(e.TEMPORAL_TLS_KEY), 'PRIVATE KEY') } : {}),
    ...(e.TEMPORAL_TLS_CA ? { ca: pemFile('TEMPORAL_TLS_CA', abs(e.TEMPORAL_TLS_CA), 'CERTIFICATE') } : {}),
    ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  const hasTlsOptions = Object.keys(tlsOptions).length > 0;
  // Certificates or an API key imply TLS (Temporal Cloud accepts nothing else).
  const temporal = {
    tls: e.TEMPORAL_TLS || hasTlsOptions || !!e.TEMPORAL_API_KEY,
    ...(hasTlsOptions ? { tlsOptions } : {}),
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };

  const rediss = new URL(e.REDIS_URL).protocol === 'rediss:';
  if (e.REDIS_TLS_CA && !rediss) throw bad('REDIS_TLS_CA: set, but REDIS_URL is redis://…; use rediss://… for TLS');
  if (!!e.REDIS_SENTINELS !== !!e.REDIS_SENTINEL_NAME) {
    throw bad(
      `${e.REDIS_SENTINELS ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINELS'}: Sentinel needs both REDIS_SENTINELS (host:port list) and REDIS_SENTINEL_NAME (the master's name)`,
    );
  }
  const redis = {
    ...(rediss
      ? { tls: e.REDIS_TLS_CA ? { ca: pemFile('REDIS_TLS_CA', abs(e.REDIS_TLS_CA), 'CERTIFICATE') } : {} }
      : {}),
    ...(e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME
      ? {
          sentinel: {
            name: e.REDIS_SENTINEL_NAME,
            sentinels: e.REDIS_SENTINELS.split(',').map((hp) => ({
              host: hp.slice(0, hp.lastIndexOf(':')),
              port: Number(hp.slice(hp.lastIndexOf(':') + 1)),
            })),
            ...(e.REDIS_SENTINEL_PASSWORD ? { password: e.REDIS_SENTINEL_PASSWORD } : {}),
          },
        }
      : {}),
  };

  const db = new URL(e.DATABASE_URL);
  const rootCert = db.searchParams.get('sslrootcert');
  if (rootCert) {
    if ((db.searchParams.get('sslmode') ?? 'disable') === 'disable')
      throw bad(
        'DATABASE_URL: sslrootcert is set but sslmode is disable; add sslmode=verify-full (or verify-ca, require)',
      );
    pemFile('DATABASE_URL (sslrootcert)', abs(rootCert), 'CERTIFICATE');
    // Absolute, so every process reads the same file whatever its working directory.
    db.searchParams.set('sslrootcert', abs(rootCert));
  }
  return { databaseUrl: rootCert ? db.toString() : e.DATABASE_URL, temporal, redis };
}

function deepFreeze<T>(o: T): Readonly<T> {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
