/**
 * Redis connections for BullMQ, and the start-up check of the server's settings.
 *
 * Two kinds of connection, because BullMQ needs different behaviour from each:
 * - workers block on Redis (BRPOPLPUSH/BZPOPMIN), so their connection must never give up on a
 *   command: `maxRetriesPerRequest: null`; ioredis then reconnects forever and the worker resumes by
 *   itself once Redis is back (docs/reliability.md row 5);
 * - producers (the enqueue activity, the reconciler) should fail fast while Redis is away, so the
 *   Temporal activity fails and is retried with backoff instead of hanging (row 6).
 */
import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../../contracts/logger';
import { ErrorCodes, DubangError } from '../../contracts/errors';

export class RedisConfigError extends DubangError {
  static override readonly code = ErrorCodes.RedisConfigError;
}

export type RedisRole = 'worker' | 'producer';

/** Where Redis is: a URL alone, or the configured URL with TLS and Sentinel settings. */
export type RedisTarget = string | (Pick<Config['redis'], 'url'> & Partial<Pick<Config['redis'], 'tls' | 'sentinel'>>);

/**
 * ioredis options for a target. A rediss:// URL turns TLS on (with REDIS_TLS_CA as the trusted CA
 * when set). With Sentinel the master is asked of the Sentinels by name and REDIS_URL only gives
 * the password, user and database; TLS then applies to the Sentinels too.
 */
export function redisConnectionOptions(target: RedisTarget): RedisOptions {
  const t = typeof target === 'string' ? { url: target } : target;
  const u = new URL(t.url);
  const tls = u.protocol === 'rediss:' ? { ...(t.tls?.ca ? { ca: t.tls.ca } : {}) } : undefined;
  const auth = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number(u.pathname.replace(/^\//, '') || 0),
  };
  if (t.sentinel) {
    return {
      ...auth,
      name: t.sentinel.name,
      sentinels: t.sentinel.sentinels.map((s) => ({ ...s })),
      ...(t.sentinel.password ? { sentinelPassword: t.sentinel.password } : {}),
      ...(tls ? { tls, enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
    };
  }
  return { ...auth, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379), ...(tls ? { tls } : {}) };
}

/** Builds an ioredis client for a role, with an error listener (an unhandled 'error' event would crash the process). */
export function createRedis(target: RedisTarget, role: RedisRole, logger: Logger, extra: RedisOptions = {}): Redis {
  const opts: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 2, enableReadyCheck: true, enableOfflineQueue: true };
  const redis = new IORedis({
    ...redisConnectionOptions(target),
    ...opts,
    // reconnect quickly at first, then every 2 s: a restarted Redis is picked up within seconds
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    connectionName: `dubang-${role}`,
    ...extra,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn('redis connection error', { role, err: err.message });
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored', { role });
    down = false;
  });
  return redis;
}

/** What the start-up check found. */
export interface RedisCheck {
  maxmemoryPolicy: string;
  aofEnabled: boolean;
  version: string;
}

function infoField(info: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim();
}

/**
 * Refuses to start unless Redis evicts nothing (`maxmemory-policy noeviction`): with any other
 * policy Redis may silently drop queued jobs under memory pressure (docs/reliability.md row 6). Warns when
 * AOF is off, because then a Redis restart loses queued jobs (the reconciler recovers them, but
 * late). Uses INFO, which managed Redis services allow where CONFIG GET is often disabled.
 */
export async function checkRedis(redis: Redis, logger: Logger): Promise<RedisCheck> {
  const memory = await redis.info('memory');
  const persistence = await redis.info('persistence');
  const server = await redis.info('server');
  const maxmemoryPolicy = infoField(memory, 'maxmemory_policy') ?? 'unknown';
  const aofEnabled = infoField(persistence, 'aof_enabled') === '1';
  const version = infoField(server, 'redis_version') ?? 'unknown';
  if (maxmemoryPolicy !== 'noeviction') {
    throw new RedisConfigError(
      `Redis maxmemory-policy is "${maxmemoryPolicy}"; the notice queue needs "noeviction" (set it in redis.conf or with CONFIG SET maxmemory-policy noeviction)`,
    );
  }
  if (!aofEnabled)
    logger.warn(
      'Redis runs without AOF: a restart loses queued notices until the reconciler re-enqueues them; set appendonly yes',
      { version },
    );
  return { maxmemoryPolicy, aofEnabled, version };
}
