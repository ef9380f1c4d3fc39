/**
 * Use case: IM channels (钉钉 and 企业微信 group robots) beside email. docs/channels.md.
 *
 * Email stays the record. When a unit letter's email was sent, each of the unit's robots that
 * receives `letter` gets one IM message pointing to it and to the unit's workspace; the Office's
 * and the leadership's robots that receive `slips` get the open red and orange 督办单 once per office
 * day. Every IM message is a notice (kind im_message, scope `im-<robotId>`) with its own Delivery
 * row, so it is keyed, claimed, retried, dead-lettered and alerted exactly as an email is:
 *  - key per (letter's carried items, robot): the letters of the unit's two addresses at one moment,
 *    and an Office resend, carry the same items and so make one IM message per robot;
 *  - key per (robot, office day) for the slip summary.
 *
 * Rate: at most 20 messages per robot per minute (the services' limit), counted in Redis across
 * every worker (infra/channels/limiter.ts). Sends to one robot are serialised by a lock; a job that
 * finds more messages waiting than the window has slots left merges them all into one summary
 * (recorded SENT on each, with the one reply), and a job that finds no slot is delayed until one
 * opens (not an attempt). A "send too fast" reply cools the robot down for a window and retries.
 */
import { createHash } from 'node:crypto';
import type { Sql } from '../../contracts/sql';
import type { Logger } from '../../contracts/logger';
import type { NotificationPort } from '../../contracts/notification';
import { RobotSendError, type RobotLimiter, type RobotSender, type RobotTarget } from '../../contracts/channels';
import { ErrorCodes, DubangError, isDubangError } from '../../contracts/errors';
import {
  mergeImMessages,
  renderChannelMarkdown,
  ROBOT_CHANNEL_NAMES,
  ROBOT_KIND_NAMES,
  type ImMessage,
} from '../../domain/channels';
import { formatDate, formatDay } from '../../domain/messages';
import { noticeKey } from '../../domain/notices';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';
import { createAlertOffice } from './alert';
import { channelStore, imScope, type StoredRobot } from './channel-store';
import { createDeliveryStore, type LoadedNotice } from './delivery-store';
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type DeliverInput,
  type DeliveryOutcome,
} from './deliver-notice';

/** No slot for this robot now: the queue should run the job again at `retryAtMs` (not an attempt). */
export class ChannelRateLimited extends DubangError {
  static override readonly code = ErrorCodes.ChannelRateLimited;
  constructor(
    message: string,
    readonly retryAtMs: number,
  ) {
    super(message);
  }
}

export interface ChannelDeps {
  sql: Sql;
  notify: NotificationPort;
  sender: RobotSender;
  limiter: RobotLimiter;
  logger: Logger;
  zone: string;
  clock?: () => Date;
  /** the unit's workspace link a letter carries (the letter's id as token id), for the IM message */
  unitLinkFor?: (l: { unitId: string; planId: string; letterId: string }) => Promise<string | null>;
  /** the dashboard's base URL: the slip summary links the Office's slip list */
  officeUrl?: string;
  /** the limiter's window (default 60 s): how long a robot that said "too fast" is left alone */
  windowMs?: number;
}

/** How a robot is named where a person reads it (the Office's alert, the CLI): never its webhook. */
export const robotLabel = (r: Pick<StoredRobot, 'channel' | 'unitName' | 'ordinal'>) =>
  `${ROBOT_CHANNEL_NAMES[r.channel]}群机器人（${r.unitName}，第${r.ordinal}个）`;

/** What the sender needs of a robot: its credentials; DingTalk @s its mentions by mobile. */
const targetOf = (r: StoredRobot): RobotTarget => ({
  id: r.id,
  channel: r.channel,
  webhook: r.webhook,
  secret: r.secret,
  atMobiles: r.channel === 'dingtalk' ? r.mentions : [],
});

const itemsKey = (items: string[]) => createHash('sha256').update(items.join(',')).digest('hex').slice(0, 16);

export function createChannels(d: ChannelDeps) {
  const clock = d.clock ?? (() => new Date());
  const store = createDeliveryStore(d.sql, { lingerMs: 0 });
  const alert = createAlertOffice({ notify: d.notify, logger: d.logger, clock });
  const windowMs = d.windowMs ?? 60_000;

  /** What an IM notice says, read at send time. */
  async function compose(n: LoadedNotice): Promise<ImMessage> {
    const p = parseNoticePayload('im_message', n.payload);
    if (p.about === 'letter') {
      const letter = p.letterId ? await channelStore.letter(d.sql, p.letterId) : null;
      const link =
        letter && d.unitLinkFor
          ? await d.unitLinkFor({ unitId: letter.unitId, planId: letter.planId, letterId: p.letterId! })
          : null;
      const at = p.emailedAt ?? letter?.sentAt?.toISOString() ?? n.dueAt.toISOString();
      return {
        title: p.title ?? `【督办函】${letter?.unitName ?? p.robotUnit}`,
        lines: letter ? [`所属方案：${letter.planTitle}`] : [],
        link: link ? { text: '查看本单位督办事项', url: link } : null,
        footer: [`正式督办函已于${formatDate(at, d.zone)}通过电子邮件送达本单位联系人，请以邮件为准并按要求办理。`],
      };
    }
    {
      const slips = await channelStore.openSlips(d.sql);
      const red = slips.filter((s) => s.colour === 'RED').length;
      const day = formatDay(n.dueAt.toISOString(), d.zone);
      const office = d.officeUrl?.replace(/\/+$/, '');
      return {
        title: slips.length
          ? `【督办单日报】${day}：未销号红色督办单${red}张、橙色督办单${slips.length - red}张`
          : `【督办单日报】${day}：没有未销号的红色、橙色督办单`,
        lines: slips.map(
          (s) => `【${s.colour === 'RED' ? '红' : '橙'}】${s.number} ${s.unit} 第${s.task}项：${s.text.slice(0, 40)}`,
        ),
        link: office ? { text: '在督办工作台查看全部督办单', url: `${office}/slips` } : null,
        footer: ['督办单以督办系统和电子邮件督办函为准。'],
      };
    }
    throw new NoticePayloadError(`群机器人消息的内容类型「${String(p.about)}」无法生成`);
  }

  /** The robot of an IM notice; a robot removed from the directory skips the notice. */
  async function robotOf(n: LoadedNotice): Promise<StoredRobot | null> {
    let robotId: string;
    try {
      robotId = parseNoticePayload('im_message', n.payload).robotId;
    } catch (err) {
      if (!isDubangError(err, NoticePayloadError)) throw err;
      throw new PermanentDeliveryError(`im message ${n.key}: ${err.message}`);
    }
    return channelStore.robot(d.sql, robotId);
  }

  const alertFor = (n: LoadedNotice, robot: StoredRobot, status: 'FAILED' | 'DEAD', error: string, attempts: number) =>
    alert(n, { status, error, recipients: [robotLabel(robot)], attempts, subject: null });

  /** Sends one IM notice (merged with the others waiting for its robot when past the rate). */
  async function deliver(n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome> {
    const robot = await robotOf(n);
    if (!robot) {
      const reason = '群机器人已从单位名录中删除';
      await store.skipNotice(n.id, reason);
      return { outcome: 'skipped', reason };
    }
    return d.limiter.lock(robot.id, async () => {
      // a merge by another job may have carried this one while it waited for the lock
      const fresh = await store.loadOne(n.id);
      if (!fresh || ['SENT', 'FAILED', 'DEAD', 'SKIPPED'].includes(fresh.status))
        return { outcome: 'already', status: fresh?.status ?? 'missing' };
      // parked by a merge that did not go: this job sends it
      await releaseParked([n.id]);
      const now = clock();
      const slot = await d.limiter.take(robot.id, now.getTime());
      if (!slot.ok) throw new ChannelRateLimited(`robot ${robot.id}: no slot until ${slot.retryAtMs}`, slot.retryAtMs);
      // more waiting than the window has slots left: all of them go now, as one message
      const waiting = await channelStore.parkWaiting(d.sql, robot.id, n.id, now);
      const merge = waiting.length > slot.remaining;
      const members = merge ? waiting : [];
      if (!merge && waiting.length) await releaseParked(waiting);
      const claimed = await store.claim(n.id);
      if (!claimed) return { outcome: 'already', status: 'final' };
      if (claimed.prev === 'SENDING')
        d.logger.warn('ambiguous IM delivery: an earlier attempt may have reached the robot', { key: n.key });
      let message: ImMessage;
      try {
        const parts = [await compose(n)];
        for (const id of members) {
          const m = await store.loadOne(id);
          if (m) parts.push(await compose(m));
        }
        message = mergeImMessages(parts);
      } catch (err) {
        if (!isDubangError(err, NoticePayloadError)) throw err;
        await finish(n, members, 'FAILED', { error: err.message });
        await alertFor(n, robot, 'FAILED', err.message, claimed.attempts);
        throw new PermanentDeliveryError(err.message);
      }
      const markdown = renderChannelMarkdown(robot.channel, message, robot.mentions);
      const target = targetOf(robot);
      try {
        const r = await d.sender.send(target, markdown);
        await finish(n, members, 'SENT', { response: r.reply });
        return { outcome: 'sent', messageId: n.key, attempts: claimed.attempts, ambiguous: claimed.prev === 'SENDING' };
      } catch (err) {
        const e = isDubangError(err, RobotSendError)
          ? err
          : new RobotSendError(String((err as Error)?.message ?? err), 'temporary', true);
        if (e.kind === 'permanent') {
          await finish(n, members, 'FAILED', { error: e.message });
          await alertFor(n, robot, 'FAILED', e.message, claimed.attempts);
          d.logger.error('IM message refused for good', { key: n.key, robot: robot.id, error: e.message });
          throw new PermanentDeliveryError(e.message);
        }
        await releaseParked(members);
        if (e.kind === 'rate') {
          // the service counts differently from us (another sender on the same robot): wait a window
          const until = now.getTime() + windowMs;
          await d.limiter.coolDown(robot.id, until);
          await store.markUnfinished(n.id, 'RETRY', e.message);
          d.logger.warn('robot said too fast; backing off', { key: n.key, robot: robot.id, retryAtMs: until });
          throw new ChannelRateLimited(e.message, until);
        }
        if (input.attempt >= input.maxAttempts) {
          await finish(n, [], 'DEAD', { error: e.message });
          await alertFor(n, robot, 'DEAD', e.message, claimed.attempts);
          throw new PermanentDeliveryError(`dead letter after ${claimed.attempts} attempts: ${e.message}`);
        }
        await store.markUnfinished(n.id, e.ambiguous ? 'SENDING' : 'RETRY', e.message);
        d.logger.warn('temporary IM failure; will retry', { key: n.key, robot: robot.id, error: e.message });
        throw new TransientDeliveryError(e.message);
      }
    });
  }

  /**
   * Messages parked for a merge that did not happen (or did not go) go back to their own jobs, as
   * they were: no record yet, or RETRY after an attempt of their own.
   */
  async function releaseParked(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await d.sql(
      `WITH gone AS (DELETE FROM "Delivery" WHERE "noticeId" = ANY($1::uuid[]) AND status = 'PARKED' AND attempts = 0)
       UPDATE "Delivery" SET status = 'RETRY' WHERE "noticeId" = ANY($1::uuid[]) AND status = 'PARKED' AND attempts > 0`,
      [ids],
    );
  }

  async function finish(
    n: LoadedNotice,
    members: string[],
    status: 'SENT' | 'FAILED' | 'DEAD',
    f: { response?: string; error?: string },
  ): Promise<void> {
    const sentAt = status === 'SENT' ? clock() : null;
    const reason =
      status === 'SENT' ? null : status === 'FAILED' ? (f.error ?? null) : `多次重试后仍未送达：${f.error}`;
    await store.record({
      id: n.id,
      status,
      noticeStatus: status,
      messageId: n.key,
      response: f.response ?? null,
      error: f.error ?? null,
      sentAt: sentAt?.toISOString() ?? null,
      reason,
      recipients: null,
    });
    if (members.length)
      await store.recordMembers(members, {
        status,
        messageId: n.key,
        response: f.response ?? null,
        error: f.error ?? null,
        sentAt,
        reason: status === 'SENT' ? '发送频率已达上限，已合并为一条群消息发送' : reason,
      });
  }

  /**
   * A letter's email was sent: one IM message per robot of the unit that receives letters, keyed by
   * the letter's carried items (idempotent: a rerun, the unit's other address, a resend add nothing).
   */
  async function afterLetter(letterId: string, title: string | null): Promise<number> {
    const letter = await channelStore.letter(d.sql, letterId);
    if (!letter || !letter.items.length) return 0;
    const robots = await channelStore.robotsOf(d.sql, { id: letter.unitId }, 'letter');
    const now = clock();
    for (const robot of robots) {
      const scope = imScope(robot.id);
      await d.notify.submit({
        key: noticeKey(`${scope}-${itemsKey(letter.items)}`, 'im_message', 0),
        kind: 'im_message',
        assignmentId: null,
        scope,
        dueAt: now.toISOString(),
        slipId: null,
        payload: {
          to: [],
          robotId: robot.id,
          about: 'letter',
          robotUnit: robot.unitName,
          letterId,
          unitId: letter.unitId,
          planId: letter.planId,
          ...(title ? { title } : {}),
          emailedAt: (letter.sentAt ?? now).toISOString(),
        },
      });
    }
    return robots.length;
  }

  /**
   * The daily slip summary: once the office day's summary hour has come, one notice per robot that
   * receives `slips`, keyed by (robot, day), so every worker's timer may call this at any time.
   */
  async function planDailySlips(day: { date: string; atMs: number }): Promise<number> {
    const robots = await channelStore.robotsWith(d.sql, 'slips');
    for (const robot of robots) {
      const scope = imScope(robot.id);
      await d.notify.submit({
        key: noticeKey(`${scope}-slips-${day.date}`, 'im_message', day.atMs),
        kind: 'im_message',
        assignmentId: null,
        scope,
        dueAt: new Date(day.atMs).toISOString(),
        slipId: null,
        payload: { to: [], robotId: robot.id, about: 'slips', robotUnit: robot.unitName, day: day.date },
      });
    }
    return robots.length;
  }

  return { deliver, afterLetter, planDailySlips };
}

export type Channels = ReturnType<typeof createChannels>;

/**
 * `dubang channels test <unit>`: a test message to each of the unit's robots, sent now and not
 * through the queue (nothing is recorded), with the service's reply.
 */
export async function testUnitRobots(
  d: { sql: Sql; sender: RobotSender },
  unit: string,
): Promise<{ robot: string; channel: string; delivered: boolean; reply: string }[]> {
  const robots = await channelStore.robotsOf(d.sql, { name: unit });
  const out = [];
  for (const robot of robots) {
    const message = renderChannelMarkdown(
      robot.channel,
      {
        title: '【测试消息】督办系统群机器人连通测试',
        lines: [`单位：${robot.unitName}`, `接收：${robot.kinds.map((k) => ROBOT_KIND_NAMES[k]).join('、') || '无'}`],
        footer: ['收到本消息说明群机器人配置正确，无需回复。'],
      },
      robot.mentions,
    );
    const target = targetOf(robot);
    try {
      const r = await d.sender.send(target, message);
      out.push({ robot: robotLabel(robot), channel: robot.channel, delivered: true, reply: r.reply });
    } catch (err) {
      out.push({ robot: robotLabel(robot), channel: robot.channel, delivered: false, reply: (err as Error).message });
    }
  }
  return out;
}
