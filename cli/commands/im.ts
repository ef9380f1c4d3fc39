/**
 * `dubang im list|show`: what the local robot sink received (var/robots), for checking group-robot
 * messages by eye, as `dubang mail list|show` does for email.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { findRobotMessage, readRobotMessages } from '../../devtools/robot-sink/store';
import { ROBOT_CHANNEL_NAMES } from '../../domain/channels';
import { action, print, UserError } from '../output';
import { config } from '../context';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

export function register(program: Command): void {
  const im = program.command('im').description('本地群机器人接收器收到的消息: 列表与查看');
  const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');

  im.command('list')
    .description('messages received by the local robot sink, newest last (time, channel, robot, reply, first line)')
    .option('-n, --limit <n>', 'show the newest n messages', '50')
    .action(
      action(async (opts: { limit: string }, cmd: Command) => {
        const cfg = config();
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 0) throw new UserError(`--limit 需要非负整数, 收到 "${opts.limit}"`);
        const dir = path.join(cfg.varDir, 'robots');
        const all = readRobotMessages(dir);
        const messages = all.slice(Math.max(0, all.length - limit));
        print(cmd, {
          data: { dir, total: all.length, messages },
          human: (d) => {
            if (!d.total) return `没有群机器人消息 (${d.dir})`;
            const lines = d.messages.map(
              (m) =>
                `${m.id}  ${at(m.receivedAt, cfg.timezone)}  ${ROBOT_CHANNEL_NAMES[m.channel]} …${m.robot}  ${m.accepted ? '已接收' : `拒收 ${m.reply.errcode}`}  ${(m.title ?? m.text.split('\n')[0] ?? '').replace(/^[#*\s]+|\*+$/g, '')}`,
            );
            return `${lines.join('\n')}\n(共 ${d.total} 条${d.total > d.messages.length ? `, 显示最新 ${d.messages.length} 条; 用 --limit 调整` : ''})`;
          },
        });
      }),
    );

  im.command('show <id>')
    .description('one message as received (an id or a unique prefix of it), with the reply it got')
    .action(
      action(async (id: string, _opts: unknown, cmd: Command) => {
        const cfg = config();
        let m;
        try {
          m = findRobotMessage(path.join(cfg.varDir, 'robots'), id);
        } catch (e) {
          if (isDubangError(e, ErrorCodes.RobotSinkError)) throw new UserError(e.message);
          throw e;
        }
        print(cmd, {
          data: m,
          human: (d) =>
            [
              `编号:   ${d.id}`,
              `收到:   ${at(d.receivedAt, cfg.timezone)}`,
              `渠道:   ${ROBOT_CHANNEL_NAMES[d.channel]} (机器人 …${d.robot})`,
              `应答:   ${d.accepted ? '已接收' : '拒收'} ${JSON.stringify(d.reply)}`,
              ...(d.title ? [`标题:   ${d.title}`] : []),
              ...(d.mentions.length ? [`提醒:   ${d.mentions.join(', ')}`] : []),
              '',
              d.text,
            ].join('\n'),
        });
      }),
    );
}
