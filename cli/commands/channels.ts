/**
 * `dubang channels test <unit>`: a test message to each of the unit's group robots (钉钉, 企业微信),
 * sent now, with the service's reply; `--json` prints channel, delivered and reply per robot.
 * Exit code 1 when a robot did not take it. docs/channels.md.
 */
import type { Command } from 'commander';
import { sqlFromPrisma } from '../../app/notices/sql';
import { createRobotSender } from '../../infra/channels/sender';
import { ROBOT_CHANNEL_NAMES, type RobotChannel } from '../../domain/channels';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';

export function register(program: Command): void {
  const channels = program.command('channels').description('群机器人 (钉钉, 企业微信): 连通测试');

  channels
    .command('test <unit>')
    .description("send a test message to the unit's robots now and print each reply")
    .action(
      action(async (unit: string, _opts: unknown, cmd: Command) => {
        const cfg = config();
        // loaded here: the notice use cases (and exceljs behind them) stay out of every other command's start-up
        const { testUnitRobots } = await import('../../app/notices/channels');
        const results = await withDb(cfg, (db) =>
          testUnitRobots(
            { sql: sqlFromPrisma(db), sender: createRobotSender({ timeoutMs: cfg.channels.timeoutMs }) },
            unit,
          ),
        );
        if (!results.length)
          throw new UserError(`「${unit}」没有配置群机器人（单位名录的 robots，见 docs/channels.md），或没有这个单位`);
        print(cmd, {
          data: results.map((r) => ({ robot: r.robot, channel: r.channel, delivered: r.delivered, reply: r.reply })),
          human: (rows) =>
            rows
              .map(
                (r) =>
                  `${r.robot}  ${ROBOT_CHANNEL_NAMES[r.channel as RobotChannel]}  ${r.delivered ? '已送达' : '未送达'}  ${r.reply}`,
              )
              .join('\n'),
        });
        if (results.some((r) => !r.delivered)) process.exitCode = 1;
      }),
    );
}
