/**
 * Health probes for the parts of the local stack (`dubang dev up/status`, the tests' global setup):
 * each answers "is it there, and is it fit for use?" with a short human detail. They never throw for
 * an unreachable service; they report it. The probes production processes use at start-up (TCP,
 * SMTP greeting) live in infra/probes.ts and are re-exported here, so the dev stack has one place.
 */
import * as http from 'node:http';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { hostPort, tcpOpen, type Probe } from '../infra/probes';

export { hostPort, probeSmtp, tcpOpen, type Probe } from '../infra/probes';

/** True for addresses on this machine, where `dev up` may start a server itself. */
export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** What the Redis probe learned; `policy` is the maxmemory-policy. */
export interface RedisProbe extends Probe {
  version?: string;
  policy?: string;
  appendonly?: boolean;
}

/** Connects once (no retries), reads INFO (works where CONFIG is disabled) and disconnects. */
export async function probeRedis(url: string, timeoutMs = 1500): Promise<RedisProbe> {
  // ioredis reports a refused connection as "Connection is closed"; say what actually happened.
  const { host, port } = hostPort(url, 6379);
  if (!(await tcpOpen(host, port, timeoutMs)))
    return { ok: false, detail: `unreachable: nothing listens on ${host}:${port}` };
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info();
    const field = (k: string) => new RegExp(`^${k}:(.*)$`, 'm').exec(info)?.[1]?.trim();
    const version = field('redis_version');
    const policy = field('maxmemory_policy');
    const appendonly = field('aof_enabled') === '1';
    const problem = policy && policy !== 'noeviction' ? `, maxmemory-policy ${policy} (需要 noeviction)` : '';
    return {
      ok: !problem,
      ...(version ? { version } : {}),
      ...(policy ? { policy } : {}),
      appendonly,
      detail: `Redis ${version ?? '?'}, ${policy ?? '?'}, AOF ${appendonly ? 'on' : 'off'}${problem}`,
    };
  } catch (e) {
    return { ok: false, detail: `unreachable: ${(e as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

/**
 * The refusal for a Redis that may evict keys: BullMQ keeps jobs as keys, and an evicting Redis
 * drops queued notices silently (docs/reliability.md row 6). Returns undefined when the policy is right.
 */
export function redisEvictionProblem(url: string, policy: string | undefined): string | undefined {
  if (!policy || policy === 'noeviction') return undefined;
  const { host, port } = hostPort(url, 6379);
  return (
    `拒绝使用 Redis ${host}:${port}: maxmemory-policy 是 ${policy}, 必须是 noeviction ` +
    `(否则内存满时 Redis 会悄悄删除排队的通知任务)。修复: redis-cli -h ${host} -p ${port} CONFIG SET maxmemory-policy noeviction, ` +
    `并在 redis.conf 中写入 "maxmemory-policy noeviction" 以便重启后仍然有效。`
  );
}

/** Connection string of the same server's maintenance database `postgres`. */
export function maintenanceUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = '/postgres';
  return u.toString();
}

/** The database name of a connection string (default: the user name, as libpq does). */
export function databaseName(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
}

export interface PostgresProbe extends Probe {
  /** the server answers */
  server: boolean;
  /** the application database exists */
  database: boolean;
  version?: string;
}

/** Checks the server (via the maintenance database) and whether the application database exists. */
export async function probePostgres(databaseUrl: string, timeoutMs = 2000): Promise<PostgresProbe> {
  const db = databaseName(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const v = await client.query<{ v: string }>("select current_setting('server_version') as v");
    const version = v.rows[0]?.v ?? '?';
    const exists = await client.query('select 1 from pg_database where datname = $1', [db]);
    const database = (exists.rowCount ?? 0) > 0;
    return {
      ok: database,
      server: true,
      database,
      version,
      detail: `PostgreSQL ${version}, 数据库 ${db}${database ? '' : ' 不存在 (运行 dubang dev up 创建)'}`,
    };
  } catch (e) {
    return { ok: false, server: false, database: false, detail: `unreachable: ${(e as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the application database when it is missing. Returns true when it created it. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const db = databaseName(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [db]);
    if ((exists.rowCount ?? 0) > 0) return false;
    try {
      // Identifiers cannot be parameters; quote it the way PostgreSQL does.
      await client.query(`create database "${db.replace(/"/g, '""')}"`);
      return true;
    } catch (e) {
      // 42P04 duplicate_database: a concurrent `dev up` created it first, which is just as good.
      if ((e as { code?: string }).code === '42P04') return false;
      throw e;
    }
  } finally {
    await client.end();
  }
}

/** Asks the frontend for the namespace over gRPC: the server is up and the namespace usable. */
export async function probeTemporal(address: string, namespace: string, timeoutMs = 2000): Promise<Probe> {
  // A closed port answers at once; without this check gRPC would wait for the whole timeout.
  const { host, port } = hostPort(address, 7233);
  if (!(await tcpOpen(host, port, timeoutMs)))
    return { ok: false, detail: `unreachable: nothing listens on ${address}` };
  const { Connection } = await import('@temporalio/client');
  let connection: Awaited<ReturnType<typeof Connection.connect>> | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    const ns = await connection.workflowService.describeNamespace({ namespace });
    const state = ns.namespaceInfo?.state === 1 ? 'registered' : `state ${ns.namespaceInfo?.state}`;
    return { ok: true, detail: `namespace ${namespace} ${state}` };
  } catch (e) {
    return { ok: false, detail: `unreachable: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** GET a URL; ok on any 2xx/3xx answer. */
export function probeHttp(url: string, timeoutMs = 1500): Promise<Probe> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      const ok = (res.statusCode ?? 500) < 400;
      resolve({ ok, detail: `HTTP ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, detail: `unreachable: ${e.message}` }));
  });
}
