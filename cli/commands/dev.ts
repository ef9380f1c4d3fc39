/**
 * `dubang dev up|down|status`: the local infrastructure (PostgreSQL, Redis, Temporal dev server
 * with its Web UI, mail sink). See devtools/stack.ts.
 */
import type { Command } from 'commander';
import { createLogger } from '../../infra/logger';
import { devDown, devStatus, devUp, type PartStatus } from '../../devtools/stack';
import { appsDown, appsStatus, appsUp, type AppStatus } from '../../devtools/apps';
import { action, print, UserError } from '../output';
import { config } from '../context';

const stateText: Record<PartStatus['state'], string> = { up: '正常', unhealthy: '异常', down: '未运行' };

/** Display width: CJK characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

/** The status table: part, address, state, started by us, detail. */
export function renderStatus(rows: (PartStatus | AppStatus)[]): string {
  const head = ['组件', '地址', '状态', '由 dev up 启动', '详情'];
  const body = rows.map((r) => [
    r.part,
    r.address,
    stateText[r.state],
    r.startedByUs ? `是 (pid ${r.pid})` : '否',
    r.detail,
  ]);
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((b) => width(b[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

export function register(program: Command): void {
  const dev = program
    .command('dev')
    .description('本地基础设施: 启动、停止、查看 (PostgreSQL, Redis, Temporal, 邮件接收器, 群机器人接收器)');

  dev
    .command('up')
    .description('start what is missing (use configured services when reachable), create the database; idempotent')
    .option('--apps', 'also start the application processes (Temporal worker, mail processor, web server)')
    .action(
      action(async (opts: { apps?: boolean }, cmd: Command) => {
        const cfg = config();
        const r = await devUp(cfg, { logger: createLogger(cfg.logLevel) });
        const apps = opts.apps && !r.errors.length ? await appsUp(cfg) : { started: [], errors: [] };
        const parts = [...r.parts, ...(opts.apps ? await appsStatus(cfg) : [])];
        const errors = [...r.errors, ...apps.errors];
        const started = [...r.started, ...apps.started];
        if (errors.length)
          throw new UserError(`${errors.join('\n')}\n\n${renderStatus(parts)}`, { parts, started, errors });
        print(cmd, {
          data: { parts, started, errors },
          human: (d) =>
            `${renderStatus(d.parts)}\n\n${d.started.length ? `本次启动: ${d.started.join(', ')}` : '全部已在运行, 没有启动新进程'}`,
        });
      }),
    );

  dev
    .command('down')
    .description('stop only what `dev up` started (services found running are left alone); apps first')
    .option('--apps', 'stop only the application processes (e.g. to restart them on new code)')
    .action(
      action(async (opts: { apps?: boolean }, cmd: Command) => {
        const cfg = config();
        const a = await appsDown(cfg);
        const d = opts.apps ? { stopped: [], failed: [] } : await devDown(cfg);
        const r = { stopped: [...a.stopped, ...d.stopped], failed: [...a.failed, ...d.failed] };
        if (r.failed.length) throw new UserError(`停止失败: ${r.failed.join('; ')}`, r);
        print(cmd, {
          data: r,
          human: (x) => (x.stopped.length ? `已停止: ${x.stopped.join(', ')}` : '没有由 dev up 启动的进程在运行'),
        });
      }),
    );

  dev
    .command('status')
    .description(
      'each part with its address, health and whether `dev up` started it; exit code 3 when a part is not up',
    )
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const cfg = config();
        const rows = [...(await devStatus(cfg)), ...(await appsStatus(cfg))];
        print(cmd, { data: rows, human: renderStatus });
        // Apps that were never started are not a failure of the infrastructure: only started-but-unhealthy ones count.
        if (
          rows.some(
            (r) => (r.state !== 'up' && !['worker', 'mailer', 'web'].includes(r.part)) || r.state === 'unhealthy',
          )
        )
          process.exitCode = 3;
      }),
    );
}
