import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { temporalConnectionOptions } from '../../infra/temporal';
import { redisConnectionOptions } from '../../infra/queue/redis';
import { pgConnectionConfig } from '../../infra/db/url';

// Real PEM files (openssl), so the checks see what an operator's files look like.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-pem-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=client',
    '-keyout',
    'key.pem',
    '-out',
    'cert.pem',
  ],
  { cwd: dir, stdio: 'pipe' },
);
const CERT = path.join(dir, 'cert.pem');
const KEY = path.join(dir, 'key.pem');
const NOT_PEM = path.join(dir, 'notes.txt');
fs.writeFileSync(NOT_PEM, 'this is not a certificate\n');
const MISSING = path.join(dir, 'missing.pem');

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Temporal connection settings', () => {
  it('default: plaintext to the dev server, namespace default', () => {
    const c = loadConfig({});
    expect(c.temporal).toMatchObject({ tls: false, namespace: 'default' });
    expect(temporalConnectionOptions(c.temporal)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('mTLS: client certificate and key, server CA and server name go into the SDK TLS options', () => {
    const c = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.gov.example:7233',
      TEMPORAL_NAMESPACE: 'duban-prod',
      TEMPORAL_TLS_CERT: CERT,
      TEMPORAL_TLS_KEY: KEY,
      TEMPORAL_TLS_CA: CERT,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(c.temporal.tls).toBe(true);
    expect(c.temporal.namespace).toBe('duban-prod');
    const o = temporalConnectionOptions(c.temporal);
    expect(o.address).toBe('temporal.gov.example:7233');
    expect(o.tls?.serverNameOverride).toBe('temporal.internal');
    expect(Buffer.from(o.tls!.clientCertPair!.crt).toString()).toBe(fs.readFileSync(CERT, 'utf8'));
    expect(Buffer.from(o.tls!.clientCertPair!.key).toString()).toBe(fs.readFileSync(KEY, 'utf8'));
    expect(Buffer.from(o.tls!.serverRootCACertificate!).toString()).toContain('BEGIN CERTIFICATE');
  });

  it('Temporal Cloud: an API key turns TLS on (system CAs) and is passed to the connection', () => {
    const c = loadConfig({
      TEMPORAL_ADDRESS: 'ap-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'duban.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(temporalConnectionOptions(c.temporal)).toEqual({
      address: 'ap-east-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'key-123',
    });
  });

  it.each([
    [{ TEMPORAL_TLS_CERT: CERT }, /TEMPORAL_TLS_KEY: mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/],
    [{ TEMPORAL_TLS_KEY: KEY }, /TEMPORAL_TLS_CERT: mTLS needs both/],
    [
      { TEMPORAL_TLS_CERT: MISSING, TEMPORAL_TLS_KEY: KEY },
      new RegExp(`TEMPORAL_TLS_CERT: cannot read ${MISSING.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ENOENT\\)`),
    ],
    [{ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: CERT }, /TEMPORAL_TLS_KEY: .*cert\.pem is not a PEM private key/],
    [{ TEMPORAL_TLS_CA: NOT_PEM }, /TEMPORAL_TLS_CA: .*notes\.txt is not a PEM certificate/],
    [{ TEMPORAL_TLS_CA: dir }, /TEMPORAL_TLS_CA: cannot read .* \(EISDIR\)/],
  ])('a bad or missing file stops start-up naming the key (%j)', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });
});

describe('Redis connection settings', () => {
  it('rediss:// is TLS, with REDIS_TLS_CA as the trusted CA; password and db come from the URL', () => {
    const c = loadConfig({ REDIS_URL: 'rediss://:s%40cret@redis.gov.example:6380/2', REDIS_TLS_CA: CERT });
    expect(redisConnectionOptions(c.redis)).toEqual({
      host: 'redis.gov.example',
      port: 6380,
      password: 's@cret',
      db: 2,
      tls: { ca: fs.readFileSync(CERT, 'utf8') },
    });
  });

  it('redis:// stays plaintext', () => {
    expect(redisConnectionOptions(loadConfig({}).redis)).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
  });

  it('Sentinel: the master by name through the listed Sentinels, TLS to both when rediss://', () => {
    const c = loadConfig({
      REDIS_URL: 'rediss://:pw@ignored:6379/1',
      REDIS_SENTINELS: '10.0.0.1:26379,sentinel-b:26380',
      REDIS_SENTINEL_NAME: 'duban',
      REDIS_SENTINEL_PASSWORD: 'spw',
    });
    expect(redisConnectionOptions(c.redis)).toEqual({
      password: 'pw',
      db: 1,
      name: 'duban',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
      ],
      sentinelPassword: 'spw',
      tls: {},
      enableTLSForSentinelMode: true,
      sentinelTLS: {},
    });
  });

  it.each([
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL: redis:\/\/… or rediss:\/\/… \(TLS\)/],
    [{ REDIS_TLS_CA: CERT }, /REDIS_TLS_CA: set, but REDIS_URL is redis:\/\/…; use rediss:\/\/… for TLS/],
    [
      { REDIS_URL: 'rediss://127.0.0.1:6380', REDIS_TLS_CA: MISSING },
      /REDIS_TLS_CA: cannot read .*missing\.pem \(ENOENT\)/,
    ],
    [
      { REDIS_SENTINELS: 'a:26379' },
      /REDIS_SENTINEL_NAME: Sentinel needs both REDIS_SENTINELS .* and REDIS_SENTINEL_NAME/,
    ],
    [{ REDIS_SENTINEL_NAME: 'duban' }, /REDIS_SENTINELS: Sentinel needs both/],
    [
      { REDIS_SENTINELS: 'a:26379;b', REDIS_SENTINEL_NAME: 'duban' },
      /REDIS_SENTINELS: host:port\[,host:port…\] of the Sentinels/,
    ],
  ])('stops start-up naming the key (%j)', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });
});

describe('PostgreSQL connection settings', () => {
  const base = 'postgresql://dubang:pw@db.gov.example:5432/dubang';

  it('no sslmode: no TLS (the loopback default)', () => {
    expect(pgConnectionConfig(loadConfig({ DATABASE_URL: base }).database.url)).toEqual({ connectionString: base });
  });

  it('verify-full: the CA from sslrootcert, host name checked; the TLS parameters leave the URL (pg would override us with them)', () => {
    const c = loadConfig({ DATABASE_URL: `${base}?sslmode=verify-full&sslrootcert=${CERT}&application_name=dubang` });
    const o = pgConnectionConfig(c.database.url);
    expect(o.connectionString).toBe(`${base}?application_name=dubang`);
    expect(o.ssl).toEqual({ rejectUnauthorized: true, ca: fs.readFileSync(CERT, 'utf8') });
  });

  it('verify-ca: the chain is checked, not the host name; require: encrypted, nothing checked', () => {
    const ca = pgConnectionConfig(`${base}?sslmode=verify-ca&sslrootcert=${CERT}`).ssl as {
      rejectUnauthorized: boolean;
      checkServerIdentity?: unknown;
    };
    expect(ca.rejectUnauthorized).toBe(true);
    expect(typeof ca.checkServerIdentity).toBe('function');
    expect(pgConnectionConfig(`${base}?sslmode=require`).ssl).toEqual({
      rejectUnauthorized: false,
      checkServerIdentity: expect.any(Function),
    });
  });

  it('a relative sslrootcert is made absolute at start-up, so every process reads the same file', () => {
    const rel = path.relative(path.resolve(__dirname, '..', '..'), CERT);
    expect(
      new URL(
        loadConfig({ DATABASE_URL: `${base}?sslmode=verify-full&sslrootcert=${rel}` }).database.url,
      ).searchParams.get('sslrootcert'),
    ).toBe(CERT);
  });

  it.each([
    [
      { DATABASE_URL: `${base}?sslmode=prefer` },
      /DATABASE_URL: sslmode must be one of disable, require, verify-ca, verify-full/,
    ],
    [
      { DATABASE_URL: `${base}?sslmode=verify-full&sslrootcert=${MISSING}` },
      /DATABASE_URL \(sslrootcert\): cannot read .*missing\.pem \(ENOENT\)/,
    ],
    [
      { DATABASE_URL: `${base}?sslmode=verify-full&sslrootcert=${NOT_PEM}` },
      /DATABASE_URL \(sslrootcert\): .*notes\.txt is not a PEM certificate/,
    ],
    [{ DATABASE_URL: `${base}?sslrootcert=${CERT}` }, /DATABASE_URL: sslrootcert is set but sslmode is disable/],
  ])('stops start-up naming the key (%j)', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });
});
