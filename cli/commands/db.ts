/**
 * `dubang db migrate|status`: the database schema. Migrations are prisma/migrations, applied by
 * Prisma's own engine (offline: scripts/prisma-engine, see infra/db/migrate.ts).
 * `dubang db backup|restore`: pg_dump / pg_restore of the whole database (infra/db/backup.ts).
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config } from '../context';
import {
  applyMigrations,
  checkDrift,
  MigrationError,
  migrationStatus,
  type MigrationStatus,
} from '../../infra/db/migrate';
import { databaseOf, redact } from '../../infra/db/url';
import { backupDatabase, restoreDatabase } from '../../infra/db/backup';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

function asUserError(e: unknown): never {
  if (isDubangError(e, ErrorCodes.BackupError)) throw new UserError(e.message, {}, 2);
  if (isDubangError(e, MigrationError)) {
    throw new UserError(`${e.prismaCode ? `${e.prismaCode}: ` : ''}${e.message}`, { code: e.prismaCode ?? null }, 2);
  }
  throw e;
}

export function register(program: Command): void {
  const db = program
    .command('db')
    .description('数据库: 执行迁移、查看状态、备份与恢复 (database migrations, backup, restore)');

  db.command('backup')
    .description('pg_dump of the whole database (custom format) into a file; consistent while the service runs')
    .option('--out <file>', 'the backup file (default var/backups/<database>-<UTC time>.dump)')
    .action(
      action(async (opts: { out?: string }, cmd: Command) => {
        const cfg = config();
        const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
        const file = opts.out ?? path.join(cfg.varDir, 'backups', `${databaseOf(cfg.database.url)}-${stamp}.dump`);
        const r = await backupDatabase(cfg.database.url, file).catch(asUserError);
        print(cmd, {
          data: r,
          human: (d) => `已备份数据库 ${d.database} 到 ${d.file}（${(d.bytes / 1024).toFixed(0)} KB）`,
        });
      }),
    );

  db.command('restore <file>')
    .description(
      'pg_restore a backup into a new or empty database on the configured server (default: the configured database)',
    )
    .option('--into <database>', 'restore into this database instead (created when missing)')
    .action(
      action(async (file: string, opts: { into?: string }, cmd: Command) => {
        const cfg = config();
        const r = await restoreDatabase(cfg.database.url, file, opts.into).catch(asUserError);
        print(cmd, {
          data: { database: r.database, created: r.created, url: redact(r.url) },
          human: (d) =>
            [
              `已将 ${file} 恢复到数据库 ${d.database}${d.created ? '（新建）' : ''}`,
              ...(opts.into
                ? [`核对后把 DATABASE_URL 指向它（${d.url}），再依次重启 Temporal worker、邮件服务和 web 服务`]
                : []),
            ].join('\n'),
        });
      }),
    );

  db.command('migrate')
    .description('apply pending migrations (creates the database if it does not exist)')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const url = config().database.url;
        const r = await applyMigrations(url).catch(asUserError);
        print(cmd, {
          data: { database: databaseOf(url), createdDatabase: r.createdDatabase, applied: r.applied },
          human: (d) =>
            [
              ...(d.createdDatabase ? [`已创建数据库 ${d.database}`] : []),
              d.applied.length
                ? `已执行迁移 ${d.applied.length} 个:\n${d.applied.map((n) => `  ${n}`).join('\n')}`
                : `数据库 ${d.database} 已是最新, 无待执行的迁移`,
            ].join('\n'),
        });
      }),
    );

  db.command('status')
    .description(
      'applied and pending migrations, and whether the migrations match schema.prisma (drift); exit code 1 when not up to date',
    )
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const url = config().database.url;
        let status: MigrationStatus;
        try {
          status = await migrationStatus(url);
        } catch (e) {
          if (isDubangError(e, MigrationError) && e.prismaCode === 'P1003')
            throw new UserError(`数据库 ${databaseOf(url)} 不存在: 先运行 \`dubang db migrate\` (${redact(url)})`, {
              code: 'P1003',
            });
          return asUserError(e);
        }
        const drift = await checkDrift().catch(asUserError);
        const upToDate =
          !status.pending.length &&
          !status.failed.length &&
          !status.edited.length &&
          !status.unknown.length &&
          !drift.drift;
        print(cmd, {
          data: { database: databaseOf(url), ...status, drift: drift.drift, driftSql: drift.sql, upToDate },
          human: (d) =>
            [
              `数据库: ${d.database}`,
              `已执行 ${d.applied.length} 个迁移${d.applied.length ? ':\n' + d.applied.map((n) => `  ${n}`).join('\n') : ''}`,
              d.pending.length
                ? `待执行 ${d.pending.length} 个:\n${d.pending.map((n) => `  ${n}`).join('\n')}`
                : '待执行: 无',
              ...(d.failed.length ? [`执行失败 (需人工处理): ${d.failed.join('、')}`] : []),
              ...(d.edited.length ? [`执行后被修改过的迁移: ${d.edited.join('、')}`] : []),
              ...(d.unknown.length ? [`数据库中有、迁移目录中没有的迁移: ${d.unknown.join('、')}`] : []),
              d.drift ? `漂移: 有 (迁移与 schema.prisma 不一致)\n${d.driftSql}` : '漂移: 无',
            ].join('\n'),
        });
        if (!upToDate) process.exitCode = 1;
      }),
    );
}
