/**
 * The RobotSender over HTTP: one POST of JSON to the robot's webhook, as each service takes it.
 *  - DingTalk custom robot: `{msgtype:'markdown', markdown:{title,text}, at:{atMobiles}}`, signed
 *    (infra/channels/sign.ts) when the robot has a secret. errcode 0 ok; 130101 (send too fast) →
 *    rate; 310000 (sign, keywords, IP refused), 300001 (no such token), 400102 (robot stopped) and
 *    any other errcode → permanent.
 *  - WeCom group robot: `{msgtype:'markdown', markdown:{content}}`. errcode 0 ok; 45009 (api freq
 *    out of limit) → rate; 93000 (invalid webhook url) and any other errcode → permanent.
 * No answer (connection refused, timeout) or a 5xx → temporary; a timeout is ambiguous (the request
 * may have arrived). Node's own fetch: one small request, no library needed.
 *
 * Secrets: the webhook carries the token and the URL carries the signature, so neither an error
 * message nor a log line here ever contains the URL; errors name the robot by its id.
 */
import type { RobotReply, RobotSender, RobotTarget } from '../../contracts/channels';
import { RobotSendError } from '../../contracts/channels';
import type { ChannelMarkdown } from '../../domain/channels';
import { signedDingtalkUrl } from './sign';

const RATE_CODES = new Set([130101, 45009]);

export interface RobotSenderOptions {
  /** per request (default 10 s) */
  timeoutMs?: number;
  clock?: () => number;
}

/** The request body of a message for the robot's channel. */
export function robotBody(robot: RobotTarget, m: ChannelMarkdown): unknown {
  if (robot.channel === 'dingtalk') {
    return {
      msgtype: 'markdown',
      markdown: { title: m.title, text: m.text },
      at: { atMobiles: robot.atMobiles, isAtAll: false },
    };
  }
  return { msgtype: 'markdown', markdown: { content: m.text } };
}

export function createRobotSender(o: RobotSenderOptions = {}): RobotSender {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const clock = o.clock ?? Date.now;
  return {
    async send(robot, message): Promise<RobotReply> {
      const url =
        robot.channel === 'dingtalk' && robot.secret
          ? signedDingtalkUrl(robot.webhook, robot.secret, clock())
          : robot.webhook;
      let res: Response;
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(robotBody(robot, message)),
          signal,
        });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        const timedOut = signal.aborted;
        const cause = e.cause?.code ?? e.message;
        throw new RobotSendError(
          `群机器人 ${robot.id} 无应答（${timedOut ? `${timeoutMs} 毫秒超时` : cause}）`,
          'temporary',
          timedOut,
        );
      }
      const body = await res.text().catch(() => '');
      if (res.status >= 500) throw new RobotSendError(`群机器人服务返回 HTTP ${res.status}`, 'temporary', false);
      let reply: { errcode?: unknown; errmsg?: unknown };
      try {
        reply = JSON.parse(body) as typeof reply;
      } catch {
        throw new RobotSendError(
          `群机器人服务的应答无法解析（HTTP ${res.status}）`,
          res.ok ? 'temporary' : 'permanent',
          false,
        );
      }
      const code = typeof reply.errcode === 'number' ? reply.errcode : Number.NaN;
      const text = JSON.stringify({ errcode: reply.errcode, errmsg: reply.errmsg });
      if (code === 0) return { reply: text };
      if (RATE_CODES.has(code)) throw new RobotSendError(`发送过快：${text}`, 'rate', false, code);
      throw new RobotSendError(`群机器人拒收：${text}`, 'permanent', false, Number.isNaN(code) ? undefined : code);
    },
  };
}
