/**
 * `dubang units list|import|export|seed`: the units directory (单位名录) in the database.
 * `dubang units link <unit> [--plan <slug>]`: a signed link to the unit's workspace (本单位督办事项).
 * Files: .json (config/units.json format) or .csv (see app/units-file.ts for the columns).
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { directoryWithoutCredentials, loadDirectory, syncDirectory } from '../../app/units';
import {
  checkDirectory,
  directoryFromCsv,
  directoryToCsv,
  readDirectoryFile,
  UnitsFileError,
} from '../../app/units-file';
import { DirectoryError, UNIT_KIND_NAMES, type UnitsDirectory } from '../../domain/units';
import { issueWorkspaceLink } from '../../app/links';
import { createLinkService, linkKeysFromConfig } from '../../infra/links';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { formatDay } from '../../domain/messages/format';
import { isDubangError } from '../../contracts/errors';

function readAny(file: string): UnitsDirectory {
  if (!fs.existsSync(file)) throw new UserError(`找不到文件: ${file}`);
  try {
    if (/\.csv$/i.test(file)) return directoryFromCsv(fs.readFileSync(file, 'utf8'), file);
    return readDirectoryFile(file);
  } catch (e) {
    if (isDubangError(e, UnitsFileError)) throw new UserError(e.message, e.problems, 2);
    throw e;
  }
}

export function register(program: Command): void {
  const units = program.command('units').description('单位名录: 列出、导入、导出 (the units directory)');

  units
    .command('list')
    .description('list the units with kind, aliases and contacts (（每日摘要）: gets the daily digest)')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const cfg = config();
        const dir = await withDb(cfg, loadDirectory);
        if (!dir) throw new UserError('名录为空: 先运行 `dubang units seed` 或 `dubang units import <file>`');
        print(cmd, {
          data: dir,
          human: (d) =>
            d.units
              .map((u) => {
                const c = u.contacts.map((x) => `${x.name} <${x.email}>${x.digest ? '（每日摘要）' : ''}`).join('，');
                const m = u.members?.length ? ` 成员: ${u.members.join('、')}` : '';
                // units a plan import created (--new-units) wait for contacts or members: say so
                const missing = u.kind === 'GROUP' ? (u.members?.length ? '' : '（缺成员）') : c ? '' : '（缺联系人）';
                return `${u.name} [${UNIT_KIND_NAMES[u.kind] ?? u.kind}]${missing}${u.aliases.length ? ` 别名: ${u.aliases.join('、')}` : ''}${m}${c ? ` 联系人: ${c}` : ''}`;
              })
              .join('\n'),
        });
      }),
    );

  units
    .command('import <file>')
    .description('make the directory match a .json or .csv file (units not in the file are kept); one transaction')
    .action(
      action(async (file: string, _opts: unknown, cmd: Command) => {
        const dir = readAny(file);
        const cfg = config();
        const r = await withDb(cfg, (db) =>
          syncDirectory(db, dir, 'cli').catch((e: unknown) => {
            // a masked robot with nothing stored to stand for: the file's fault, said as such
            if (isDubangError(e, DirectoryError)) throw new UserError(`${file}: ${e.message}`, null, 2);
            throw e;
          }),
        );
        print(cmd, {
          data: r,
          human: () =>
            `名录已更新: 新增 ${r.created.length}，修改 ${r.updated.length}，未变 ${r.unchanged}${r.updated.length ? `\n修改: ${r.updated.join('、')}` : ''}`,
        });
      }),
    );

  units
    .command('seed')
    .description('fill an empty directory from config/units.json (does nothing once the directory has units)')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const cfg = config();
        const r = await withDb(cfg, async (db) =>
          (await db.unit.count()) ? null : syncDirectory(db, readDirectoryFile(cfg.unitsFile), 'cli'),
        );
        print(cmd, {
          data: r ?? { created: [], updated: [], unchanged: 0, skipped: true },
          human: () => (r ? `名录已初始化: ${r.created.length} 个单位` : '名录已有数据, 未作修改'),
        });
      }),
    );

  units
    .command('export [file]')
    .description(
      "write the directory as CSV (or JSON when the file ends in .json); stdout when no file. Robots' webhooks and secrets are masked (imported again, they keep the stored ones) unless --with-secrets",
    )
    .option(
      '--with-secrets',
      "write the robots' full webhooks and secrets (the file is then readable by its owner only)",
    )
    .action(
      action(async (file: string | undefined, opts: { withSecrets?: boolean }, _cmd: Command) => {
        const cfg = config();
        const stored = await withDb(cfg, loadDirectory);
        if (!stored) throw new UserError('名录为空');
        const dir = opts.withSecrets ? stored : directoryWithoutCredentials(stored);
        const body =
          file && /\.json$/i.test(file)
            ? JSON.stringify(checkDirectory(dir, 'database'), null, 2) + '\n'
            : directoryToCsv(dir);
        // credentials in a file: owner-only, like a key file (an existing file's mode is set too)
        if (file && opts.withSecrets) {
          fs.writeFileSync(file, body, { mode: 0o600 });
          fs.chmodSync(file, 0o600);
        } else if (file) fs.writeFileSync(file, body);
        else process.stdout.write(body);
      }),
    );

  units
    .command('link <unit>')
    .description(
      "print a new signed link to the unit's workspace (本单位督办事项) for one plan, to pass on by other means (audited)",
    )
    .option('--plan <slug>', 'the plan (needed when the unit has tasks in several)')
    .action(
      action(async (unit: string, opts: { plan?: string }, cmd: Command) => {
        const cfg = config();
        const r = await withDb(cfg, (db) =>
          issueWorkspaceLink(
            {
              db,
              links: createLinkService({ db, ...linkKeysFromConfig(cfg.http) }),
              notify: createOutboxNotificationPort(db),
              clock: Date.now,
            },
            { unit, ...(opts.plan ? { plan: opts.plan } : {}), actor: 'cli' },
          ),
        );
        if (!r.ok) throw new UserError(r.message);
        print(cmd, {
          data: r,
          human: (x) =>
            `${x.unit}（方案 ${x.plan}）本单位督办事项链接，${formatDay(x.expiresAt, cfg.policy.calendar.zone)}前有效：\n${x.url}`,
        });
      }),
    );
}
