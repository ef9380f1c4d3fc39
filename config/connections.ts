/**
 * How the processes reach Temporal, Redis and PostgreSQL beyond their addresses: TLS (certificates
 * read from the files the environment names, and checked to be PEM), Temporal Cloud's API key,
 * Redis Sentinel, and PostgreSQL's sslrootcert.
 */
import * as fs from 'node:fs';
import { ConfigError, type Env } from './env';

export interface TemporalConnection {
  /** TLS on: TEMPORAL_TLS, or implied by any TEMPORAL_TLS_* file or an API key */
  tls: boolean;
  /** PEM text of the client certificate/key (mTLS) and the server CA, and the TLS server name */
  tlsOptions?: { clientCert?: string; clientKey?: string; ca?: string; serverName?: string };
  /** Temporal Cloud API key (sent as a bearer token; needs TLS) */
  apiKey?: string;
}

export interface RedisConnection {
  /** TLS (a rediss:// URL); `ca` is the PEM text of REDIS_TLS_CA */
  tls?: { ca?: string };
  /** Redis Sentinel: the master is found through these; REDIS_URL then supplies password and db only */
  sentinel?: { name: string; sentinels: { host: string; port: number }[]; password?: string };
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

/** TLS, API key and Sentinel settings of Temporal, Redis and PostgreSQL, with their files read and checked. */
export function connectionSettings(
  e: Env,
  abs: (p: string) => string,
): { databaseUrl: string; temporal: TemporalConnection; redis: RedisConnection } {
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
