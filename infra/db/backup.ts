/**
 * `dubang db backup` and `dubang db restore`: PostgreSQL's own pg_dump (custom format: compressed,
 * restorable selectively, consistent as of one snapshot while the service keeps writing) and
 * pg_restore. PostgreSQL is the system of record: plans, assignments, notices and their delivery
 * records, slips, audit, sessions and the stored export files. Temporal and Redis need no backup of
 * ours (see docs/deploy.md).
 *
 * The tools get the connection URL as libpq's `--dbname`, so sslmode and sslrootcert work as in
 * DATABASE_URL. They are taken from the newest /usr/lib/postgresql/<v>/bin (Debian keeps one per
 * server version; pg_dump must not be older than the server), else PATH, or PG_BIN_DIR.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { databaseOf, pgConnectionConfig, quoteIdent, redact, withAdmin, withDatabase } from './url';
import { ErrorCodes, DubangError } from '../../contracts/errors';

export class BackupError extends DubangError {
  static override readonly code = ErrorCodes.BackupError;
}

/**
 * The newest Debian PostgreSQL bin directory (/usr/lib/postgresql/<v>/bin) that has `tool`, or
 * undefined (then PATH). The local stack (devtools/) uses it for pg_ctl and initdb.
 */
export function pgBinDir(tool = 'pg_ctl'): string | undefined {
  const base = '/usr/lib/postgresql';
  try {
    const versions = fs
      .readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((x, y) => Number(y) - Number(x));
    for (const v of versions) if (fs.existsSync(path.join(base, v, 'bin', tool))) return path.join(base, v, 'bin');
  } catch {
    // not the Debian layout: PATH
  }
  return undefined;
}

function runTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  const dir = process.env.PG_BIN_DIR || pgBinDir(tool);
  const cmd = dir ? path.join(dir, tool) : tool;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          e.code === 'ENOENT'
            ? `找不到 ${tool}：请安装 PostgreSQL 客户端（Debian: apt-get install postgresql-client），或用 PG_BIN_DIR 指向其目录`
            : `${tool} 无法运行：${e.message}`,
        ),
      ),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new BackupError(`${tool} 失败（退出码 ${code}）：${stderr.trim().split('\n').slice(-5).join(' / ')}`)),
    );
  });
}

/** libpq's view of our URL: the same, with any ?schema= (a Prisma parameter libpq refuses) removed. */
function libpqUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('schema');
  return u.toString();
}

export interface BackupResult {
  database: string;
  file: string;
  bytes: number;
}

/**
 * Dumps the database to `file` (custom format), written to a temporary name and renamed, so a
 * failed or interrupted backup never leaves a file that looks complete.
 */
export async function backupDatabase(url: string, file: string): Promise<BackupResult> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.partial-${process.pid}`;
  try {
    await runTool('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${tmp}`,
      `--dbname=${libpqUrl(url)}`,
    ]);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { database: databaseOf(url), file: path.resolve(file), bytes: fs.statSync(file).size };
}

export interface RestoreResult {
  database: string;
  url: string;
  created: boolean;
}

/**
 * Restores a backup into `database` (default: the one in `url`) on the same server. The target
 * must be new or empty: restoring over live data would mix two states, so it is refused; the usual
 * drill is to restore into a fresh database and point DATABASE_URL at it (docs/deploy.md).
 */
export async function restoreDatabase(url: string, file: string, database = databaseOf(url)): Promise<RestoreResult> {
  if (!fs.existsSync(file)) throw new BackupError(`备份文件不存在：${file}`);
  const target = withDatabase(url, database);
  const created = await withAdmin(url, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    await c.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return true;
  });
  if (!created) {
    const c = new Client(pgConnectionConfig(target));
    await c.connect();
    let tables: number;
    try {
      const r = await c.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
      );
      tables = Number(r.rows[0]?.n ?? 0);
    } finally {
      await c.end();
    }
    if (tables > 0) {
      throw new BackupError(
        `数据库 ${database} 已存在且有 ${tables} 张表，不能在其上恢复：请用 --into <新数据库名> 恢复到新库，核对后再把 DATABASE_URL 指向它（${redact(target)}）`,
      );
    }
  }
  await runTool('pg_restore', [
    '--no-owner',
    '--no-privileges',
    '--exit-on-error',
    '--single-transaction',
    `--dbname=${libpqUrl(target)}`,
    file,
  ]);
  return { database, url: target, created };
}
