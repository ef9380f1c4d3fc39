/**
 * The one reader of process.env. Builds a frozen, typed Config from the environment and the files
 * under config/ (or DUBANG_CONFIG_DIR), validated with zod. A bad value stops start-up with a
 * message that names the key (ConfigError).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { policySchema } from './policy-schema';
import { ConfigError, describe, envSchema } from './env';
import { connectionSettings, type RedisConnection, type TemporalConnection } from './connections';

export { ConfigError } from './env';

/** Repository root (config/ sits at the top level, also after compilation into dist/config/). */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new ConfigError(`cannot find the project root above ${__dirname}`);
}

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
  /** TLS and Sentinel: config/connections.ts */
  redis: RedisConnection & { url: string; queuePrefix: string };
  /** TLS and the API key: config/connections.ts */
  temporal: TemporalConnection & {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
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
     * every item of it; `debounceMs` is how long a letter waits for the rest of its moment;
     * `central`: the Office and the leadership get their share as one summary letter per moment
     */
    letters: { enabled: boolean; debounceMs: number; central: boolean };
  };
  /** group robots (DingTalk, WeCom; docs/channels.md); the robots themselves are in the units directory */
  channels: { sinkPort: number; summaryHour: number; timeoutMs: number };
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
      letters: {
        enabled: e.MAIL_LETTERS === 'on',
        debounceMs: e.MAIL_LETTER_DEBOUNCE_MS,
        central: e.MAIL_OFFICE_LETTERS === 'on',
      },
    },
    channels: { sinkPort: e.IM_SINK_PORT, summaryHour: e.IM_SUMMARY_HOUR, timeoutMs: e.IM_TIMEOUT_MS },
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
function deepFreeze<T>(o: T): Readonly<T> {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
