/** PostgreSQL connection URL helpers shared by the migration tooling and the test helper. */
import * as fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, type ClientConfig } from 'pg';

/**
 * pg connection settings for a postgresql:// URL, with libpq's TLS parameters honoured the libpq
 * way (pg's own parser treats require and verify-ca as verify-full):
 * - `sslmode=disable` (or none): no TLS;
 * - `require`: encrypted, the certificate not checked, unless `sslrootcert` is given (then as verify-ca);
 * - `verify-ca`: the certificate must chain to `sslrootcert` (or the system CAs); any host name;
 * - `verify-full`: as verify-ca, and the certificate must name the host.
 * The parameters are taken out of the URL, since pg lets the URL's override the `ssl` object.
 */
export function pgConnectionConfig(url: string): Pick<ClientConfig, 'connectionString' | 'ssl'> {
  const u = new URL(url);
  const mode = u.searchParams.get('sslmode') ?? 'disable';
  const rootCert = u.searchParams.get('sslrootcert');
  for (const k of ['sslmode', 'sslrootcert', 'ssl', 'uselibpqcompat']) u.searchParams.delete(k);
  if (mode === 'disable') return { connectionString: u.toString() };
  const ca = rootCert ? fs.readFileSync(rootCert, 'utf8') : undefined;
  const verify = mode === 'verify-ca' || mode === 'verify-full' || !!ca;
  const ssl: ConnectionOptions = {
    rejectUnauthorized: verify,
    ...(ca ? { ca } : {}),
    ...(mode !== 'verify-full' ? { checkServerIdentity: () => undefined } : {}),
  };
  return { connectionString: u.toString(), ssl };
}

/** The database named in a postgresql:// URL. */
export function databaseOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`数据库地址缺少数据库名: ${redact(url)}`);
  return name;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Double-quotes an identifier for SQL (database names cannot be bound as parameters). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/**
 * Runs `fn` on a short-lived connection to the server's maintenance database (`postgres`), for
 * CREATE/DROP DATABASE, which cannot run inside the database they affect.
 */
export async function withAdmin<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(pgConnectionConfig(withDatabase(url, 'postgres')));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` unless it exists. Returns true when it was created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseOf(url);
  return withAdmin(url, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (e) {
      // another process created it between the check and the CREATE
      if ((e as { code?: string }).code === '42P04') return false;
      throw e;
    }
  });
}

/** Drops the database named in `url`, closing other sessions on it (PostgreSQL 13+). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  await withAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}
