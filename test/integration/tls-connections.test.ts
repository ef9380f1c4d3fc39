/**
 * Production connections over real TLS endpoints made here: a redis-server with `--tls-port` and a
 * PostgreSQL cluster with `ssl=on`, both with a certificate signed by a CA generated in the test
 * (openssl). The project is configured the way an operator would (REDIS_URL=rediss://…,
 * REDIS_TLS_CA, DATABASE_URL with sslmode and sslrootcert), and a notice goes through the real mail
 * worker over the TLS Redis and lands once at the SMTP sink. Also Redis Sentinel: the master found
 * by name through a real redis-sentinel.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { createPrisma } from '../../infra/db/client';
import { silentLogger } from '../../infra/logger';
import { startMailSink, type MailSink } from '../../devtools/mail/sink';
import { createNoticeQueue } from '../../infra/queue/notice-queue';
import { createQueueNotificationPort } from '../../infra/queue/notification-port';
import { createRedis } from '../../infra/queue/redis';
import { chownToPostgres } from '../../devtools/stack';
import { startMailWorker } from '../../worker/mail-main';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';
import { canConnect, freePort, startThrowawayRedis, type ThrowawayRedis } from '../helpers/services';
import { closePipeline, eventually, parse, seed, submission, uniquePrefix } from './notify-support/fixture';

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, and a server certificate it signed for 127.0.0.1 and localhost. */
function makeCertificates(): { dir: string; ca: string; cert: string; key: string; otherCa: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-tls-'));
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=dubang test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem',
  );
  // A CA that signed nothing here: trusting it must not be enough.
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=someone else',
    '-keyout',
    'other.key',
    '-out',
    'other.pem',
  );
  const p = (f: string) => path.join(dir, f);
  return { dir, ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key'), otherCa: p('other.pem') };
}

let certs: ReturnType<typeof makeCertificates>;

beforeAll(() => {
  certs = makeCertificates();
});

afterAll(() => {
  fs.rmSync(certs.dir, { recursive: true, force: true });
});

describe('Redis over TLS (rediss://, REDIS_TLS_CA)', () => {
  let redisServer: ThrowawayRedis;
  let tlsPort: number;
  let db: TestDatabase;
  let sink: MailSink;

  beforeAll(async () => {
    tlsPort = await freePort();
    redisServer = await startThrowawayRedis([
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      certs.cert,
      '--tls-key-file',
      certs.key,
      '--tls-ca-cert-file',
      certs.ca,
      '--tls-auth-clients',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ]);
    db = await createTestDatabase();
    sink = await startMailSink({ port: 0 });
  });

  afterAll(async () => {
    await sink?.close();
    await db?.drop();
    await redisServer?.stop();
  });

  it('delivers a notice through the mail worker over the TLS port, once', async () => {
    const config = loadConfig({ ...process.env, REDIS_URL: `rediss://127.0.0.1:${tlsPort}/0`, REDIS_TLS_CA: certs.ca });
    expect(config.redis.tls?.ca).toContain('BEGIN CERTIFICATE');
    const prefix = uniquePrefix('tls');
    const policy = { attempts: 3, backoffMs: 100, keepCompletedSeconds: 3600, keepFailedSeconds: 3600 };
    const redis = createRedis(config.redis, 'producer', silentLogger);
    const queue = createNoticeQueue({ connection: redis, prefix, logger: silentLogger });
    const worker = await startMailWorker({
      config,
      logger: silentLogger,
      databaseUrl: db.url,
      prefix,
      smtp: { host: sink.host, port: sink.port, timeoutMs: 1500, poolSize: 1 },
      jobPolicy: policy,
      concurrency: 2,
      ratePerSecond: 1000,
    });
    try {
      // The connection really is TLS: the server counts it on its TLS port only.
      expect(await redis.client('INFO')).toContain(`laddr=127.0.0.1:${tlsPort}`);
      const s = await seed(db.prisma, { tasks: 1, units: 1 });
      const port = createQueueNotificationPort({ prisma: db.prisma, queue, logger: silentLogger, policy });
      const r = await port.submit(
        submission(s.assignments[0]!.id, new Date(), { kind: 'assignment', to: ['liaison'] }),
      );
      const [m] = await sink.waitFor(1, 15_000);
      expect((await parse(m!)).subject).toBe('【任务交办】关于落实督办任务(1)的通知');
      await eventually(
        'delivery record',
        () => db.prisma.delivery.findUnique({ where: { noticeId: r.noticeId } }),
        (d) => d?.status === 'SENT',
      );
      expect(sink.received()).toHaveLength(1);
    } finally {
      await closePipeline({ worker, queue, redis });
    }
  });

  it('refuses a server whose certificate is not signed by the configured CA', async () => {
    const config = loadConfig({
      ...process.env,
      REDIS_URL: `rediss://127.0.0.1:${tlsPort}/0`,
      REDIS_TLS_CA: certs.otherCa,
    });
    const redis = createRedis(config.redis, 'producer', silentLogger, {
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    const errors: string[] = [];
    redis.on('error', (e: Error) => errors.push(e.message));
    await expect(redis.ping()).rejects.toThrow();
    redis.disconnect();
    expect(errors.join('\n')).toMatch(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('PostgreSQL over TLS (sslmode, sslrootcert)', () => {
  let pg: PrivatePostgres;
  let plainUrl: string;

  beforeAll(async () => {
    // The server's copy of its key, owned by the postgres user with mode 0600 (postgres insists).
    const keyCopy = path.join(certs.dir, 'pg-server.key');
    fs.copyFileSync(certs.key, keyCopy);
    fs.chmodSync(keyCopy, 0o600);
    fs.chmodSync(certs.dir, 0o755);
    chownToPostgres(keyCopy);
    pg = await startPrivatePostgres({ serverOptions: { ssl: 'on', ssl_cert_file: certs.cert, ssl_key_file: keyCopy } });
    plainUrl = await pg.createDatabase('dubang_tls');
  });

  afterAll(async () => {
    await pg?.destroy();
  });

  const sslInUse = async (url: string) => {
    const prisma = createPrisma(loadConfig({ DATABASE_URL: url }).database.url);
    try {
      const rows = await prisma.$queryRawUnsafe<{ ssl: boolean }[]>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      // A real table of the project, read over the same connection.
      await prisma.plan.count();
      return rows[0]?.ssl;
    } finally {
      await prisma.$disconnect();
    }
  };

  it('connects with sslmode=verify-full against the CA, and the session is encrypted', async () => {
    expect(await sslInUse(`${plainUrl}?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.ca)}`)).toBe(true);
  });

  it('without sslmode the same server is reached unencrypted (the default, for loopback)', async () => {
    expect(await sslInUse(plainUrl)).toBe(false);
  });

  it('refuses the server under verify-full when the CA is not the one that signed it', async () => {
    await expect(
      sslInUse(`${plainUrl}?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.otherCa)}`),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('Redis Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME)', () => {
  it('finds the master by name through a real Sentinel and queues on it', async () => {
    const master = await startThrowawayRedis(['--maxmemory-policy', 'noeviction']);
    const sentinelPort = await freePort();
    const conf = path.join(certs.dir, 'sentinel.conf');
    fs.writeFileSync(
      conf,
      `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor dubang 127.0.0.1 ${master.port} 1\n`,
    );
    const sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 5000;
      while (!(await canConnect(sentinelPort))) {
        if (Date.now() > deadline) throw new Error('redis-sentinel did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
      // REDIS_URL's host is not used with Sentinel: a wrong one proves the master came from the Sentinel.
      const config = loadConfig({
        REDIS_URL: 'redis://nowhere.invalid:1/0',
        REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`,
        REDIS_SENTINEL_NAME: 'dubang',
      });
      const redis = createRedis(config.redis, 'producer', silentLogger);
      try {
        const queue = createNoticeQueue({ connection: redis, prefix: uniquePrefix('sentinel'), logger: silentLogger });
        await queue.add('notice', { noticeId: '00000000-0000-0000-0000-000000000001' } as never, {
          jobId: 'sentinel-probe',
        });
        expect(await queue.getJobCounts('waiting', 'delayed')).toMatchObject({ waiting: 1 });
        expect(await redis.info('server')).toContain(`tcp_port:${master.port}`);
        await queue.obliterate({ force: true });
        await queue.close();
      } finally {
        redis.disconnect();
      }
    } finally {
      sentinel.kill('SIGTERM');
      await master.stop();
    }
  });
});
