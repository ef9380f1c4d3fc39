/**
 * The steps every kind of delivery shares (deliver-notice.ts for one notice, deliver-digest.ts and
 * deliver-letter.ts for the emails that carry many): what a step reads (Ctx), the options a notice is
 * composed with, and steps 4–6 of the use case: claim the delivery, send, record the outcome, or
 * fail (FAILED and an alert for a permanent failure, RETRY for a temporary one, DEAD on the last
 * attempt). The statements are the delivery store's (delivery-store.ts), the alert is alert.ts.
 */
import type { Sql } from '../../contracts/sql';
import type { NotificationPort } from '../../contracts/notification';
import { MailSendError, type FileStore, type Mailer } from '../../contracts/mail';
import type { OutgoingAttachment, SendResult } from '../../contracts/mail';
import { KIND_LABELS, type RenderedMessage } from '../../domain/messages';
import { parseNoticePayload } from '../../domain/notices/schema';
import type { Logger } from '../../contracts/logger';
import type { AlertOffice, DeliveryFailure } from './alert';
import type { ComposeOptions, ReportingOf } from './compose';
import type { DeliveryStore, LoadedNotice } from './delivery-store';
import type { LetterPark } from './letters';
import type { Recipient, RecipientResolver } from './recipients';
import { ErrorCodes, DubangError, isDubangError } from '../../contracts/errors';

/** A temporary failure: the queue should retry with backoff. */
export class TransientDeliveryError extends DubangError {
  static override readonly code = ErrorCodes.TransientDeliveryError;
}

/** A permanent failure, recorded and alerted: the queue must not retry. */
export class PermanentDeliveryError extends DubangError {
  static override readonly code = ErrorCodes.PermanentDeliveryError;
}

export type DeliveryOutcome =
  | { outcome: 'sent'; messageId: string; attempts: number; ambiguous: boolean }
  | { outcome: 'already'; status: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'missing' }
  | { outcome: 'digest'; window: string }
  | { outcome: 'letter'; letters: string[] }
  /** a letter waiting for items of its moment still on their way: run the job again at `untilMs` */
  | { outcome: 'deferred'; untilMs: number };

export interface DeliverDeps {
  /** the send path's SQL (a pg pool in production; see sql.ts) */
  sql: Sql;
  mailer: Mailer;
  /** for alerts to the Office */
  notify: NotificationPort;
  recipients: RecipientResolver;
  logger: Logger;
  zone: string;
  /** From header, e.g. 南昌市质量强市领导小组办公室 <duban@office.nanchang.example> */
  from: string;
  clock?: () => Date;
  /** the signed link for a notice; null leaves the placeholder (the web layer signs links) */
  linkFor?: (n: {
    id: string;
    key: string;
    kind: string;
    assignmentId: string | null;
  }) => string | null | Promise<string | null>;
  /**
   * the dashboard's base URL (PUBLIC_URL): the Office's catch-up summary links each item to its
   * assignment page; without it the summary lists the items without links
   */
  officeUrl?: string;
  /**
   * Digest hand-off: when it returns a window for a notice, the notice is parked for the
   * recipient's digest instead of being sent alone (see digest.ts).
   */
  digest?: (n: LoadedNotice, to: Recipient[], now: Date) => Promise<string | null>;
  /**
   * Unit letters: when it returns letter ids, the notice was parked in its unit's letters (one per
   * address) instead of being sent alone (see letters.ts). Without it every notice goes alone.
   */
  letters?: LetterPark;
  /**
   * the signed link to a unit's workspace (本单位督办事项) that a letter carries, the letter's id as
   * the token id (its first opening is the letter's read receipt); without it each row of a
   * letter links its own assignment's form
   */
  unitLinkFor?: (l: { unitId: string; planId: string; letterId: string }) => Promise<string | null>;
  /**
   * a task's reporting calendar under the configured policy, told with its assignment notice
   * (compose.ts reportingOf); without it the notice names the default quarterly rule
   */
  reporting?: ReportingOf;
  /**
   * IM channels (channels.ts): sends im_message notices to their group robot, and is told when a
   * unit letter's email was sent (its robots then get their message); without it, email only
   */
  channels?: {
    deliver(n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome>;
    afterLetter(letterId: string, subject: string | null): Promise<number>;
  };
  /** beyond this many rows a letter's body leaves the task texts to its attached list (default 40) */
  letterCompactAbove?: number;
  /**
   * Where files named in a payload's `attachments` are read from at send time (PostgreSQL:
   * infra/export/file-store.ts); without it such notices fail permanently (see attachments.ts).
   */
  files?: FileStore;
  /** ceiling of one email's file attachments, bytes (default DEFAULT_MAX_ATTACHMENT_BYTES) */
  maxAttachmentBytes?: number;
  /**
   * how long a load, claim or record waits for concurrent jobs' to share its statement (default
   * 5 ms; see batch.ts). Each job waits in the SMTP pool's queue far longer than this.
   */
  coalesceMs?: number;
  /**
   * how long a job keeps retrying the record of a message the server already accepted (default
   * 10 min) before giving up; a database outage shorter than this causes no duplicate email
   */
  recordRetryMs?: number;
}

export interface DeliverInput {
  noticeId: string;
  /** 1-based attempt of the queue job */
  attempt: number;
  maxAttempts: number;
}

/** A rendered message plus the files attached at send time. */
export type Outgoing = Omit<RenderedMessage, 'attachments'> & {
  attachments: (RenderedMessage['attachments'][number] | OutgoingAttachment)[];
};

/** What every step reads: the dependencies, and what is derived from them once. */
export interface Ctx {
  d: DeliverDeps;
  clock: () => Date;
  store: DeliveryStore;
  alert: AlertOffice;
  sender: string;
  msgDomain: string;
  /** the Office's dashboard base URL without trailing slashes */
  office: string | undefined;
}

/** Records FAILED without sending, alerts the Office, and stops the job for good. */
export async function failPermanently(ctx: Ctx, n: LoadedNotice, error: string, to: string[]): Promise<never> {
  await ctx.store.failWithoutSending(n.id, error);
  await ctx.store.record(outcome(ctx, n.id, 'FAILED', { error, recipients: to, reason: error }));
  await ctx.alert(n, { status: 'FAILED', error, recipients: to, attempts: 0, subject: null });
  throw new PermanentDeliveryError(error);
}

export const kindLabel = (kind: string): string => KIND_LABELS[kind] ?? kind;

/**
 * A catch-up letter lists many assignments: the unit's letter links each item to its own signed
 * form (the notice id as the token id, as for the notice's own link), the Office's summary links
 * each item to its assignment page.
 */
async function itemLink(ctx: Ctx, n: LoadedNotice): Promise<((assignmentId: string) => string | null) | undefined> {
  const office = ctx.office;
  if (n.kind === 'catchup_summary') {
    return office ? (id) => `${office}/assignments/${encodeURIComponent(id)}` : undefined;
  }
  const linkFor = ctx.d.linkFor;
  if (n.kind !== 'catchup_unit' || !linkFor) return undefined;
  // links are signed (in each assignment's current link epoch) before composing, which is synchronous
  const p = parseNoticePayload('catchup_unit', n.payload);
  const ids = [...new Set((p.items ?? []).flatMap((it) => (it.assignmentId ? [it.assignmentId] : [])))];
  const signed = async (id: string) =>
    [id, (await linkFor({ id: n.id, key: n.key, kind: n.kind, assignmentId: id })) ?? null] as const;
  const links = new Map(await Promise.all(ids.map(signed)));
  return (id) => links.get(id) ?? null;
}

/** The options a notice is composed with; inside a unit letter with a workspace link, that link is every link. */
export async function composeOptions(
  ctx: Ctx,
  n: LoadedNotice,
  now: Date,
  workspace: string | null = null,
): Promise<ComposeOptions> {
  const reporting = ctx.d.reporting ? { reporting: ctx.d.reporting } : {};
  if (workspace)
    return { zone: ctx.d.zone, sender: ctx.sender, now, link: workspace, itemLink: () => workspace, ...reporting };
  const link = (await ctx.d.linkFor?.(n)) ?? null;
  return { zone: ctx.d.zone, sender: ctx.sender, now, link, itemLink: await itemLink(ctx, n), ...reporting };
}

/** What a final outcome records besides its status. */
interface OutcomeFields {
  messageId?: string | null;
  response?: string | null;
  error?: string | null;
  recipients?: string[];
  reason?: string | null;
}

/** The fields of a final outcome; SENT stamps the send time. */
export function outcome(ctx: Ctx, noticeId: string, status: 'SENT' | 'FAILED' | 'DEAD', f: OutcomeFields) {
  return {
    id: noticeId,
    status,
    noticeStatus: status,
    messageId: f.messageId ?? null,
    response: f.response ?? null,
    error: f.error ?? null,
    sentAt: status === 'SENT' ? ctx.clock().toISOString() : null,
    reason: f.reason ?? null,
    recipients: f.recipients ?? null,
  };
}

/** Records a final outcome, and the same outcome on each notice a digest carried. */
async function finish(
  ctx: Ctx,
  n: LoadedNotice,
  status: 'SENT' | 'FAILED' | 'DEAD',
  f: OutcomeFields,
  members: string[],
): Promise<void> {
  const o = outcome(ctx, n.id, status, f);
  await ctx.store.record(o);
  if (!members.length) return;
  await ctx.store.recordMembers(members, {
    status,
    messageId: o.messageId,
    response: o.response,
    error: o.error,
    sentAt: o.sentAt ? new Date(o.sentAt) : null,
    reason: status === 'SENT' ? (n.kind === 'unit_letter' ? '已随单位督办函送达' : '已随每日督办摘要发送') : o.reason,
  });
}

/** Steps 4–6: claim the delivery, send, record the outcome. */
export async function sendAndRecord(
  ctx: Ctx,
  n: LoadedNotice,
  message: Outgoing,
  good: string[],
  bad: string[],
  input: DeliverInput,
  members: string[],
): Promise<DeliveryOutcome> {
  const claimed = await ctx.store.claim(n.id);
  if (!claimed) return { outcome: 'already', status: 'final' };
  const ambiguous = claimed.prev === 'SENDING';
  if (ambiguous) {
    ctx.d.logger.warn(
      'ambiguous delivery: an earlier attempt stopped after handing the message to SMTP and before ' +
        'recording the result; sending again may duplicate it',
      { key: n.key, noticeId: n.id, attempts: claimed.attempts },
    );
  }
  let info: SendResult;
  try {
    info = await ctx.d.mailer.send({
      from: ctx.d.from,
      to: good,
      subject: message.subject,
      text: message.text,
      html: message.html,
      attachments: message.attachments,
      messageId: `<${n.key}@${ctx.msgDomain}>`,
      headers: { 'X-Dubang-Notice': n.key, 'X-Dubang-Kind': n.kind },
    });
  } catch (err) {
    return sendFailed(ctx, n, message, good, input, members, claimed.attempts, err);
  }
  // The server accepted the message: from here on a failure must not lead to sending it again.
  // A database outage between the 250 and the record would otherwise leave the claim SENDING
  // and the retry would send a duplicate, so the record is retried here, in this job, for as
  // long as recordRetryMs allows (the job keeps its queue lock meanwhile).
  const rejected = [...bad, ...info.rejected];
  const partial = rejected.length ? `部分收件人被拒收：${rejected.join('、')}` : null;
  const sent = {
    messageId: info.messageId,
    response: info.response,
    error: partial,
    recipients: info.accepted.length ? info.accepted : good,
  };
  await untilRecorded(ctx, n.key, () => finish(ctx, n, 'SENT', sent, members));
  // the alert's key is deterministic: retrying its submission cannot alert twice
  if (partial) {
    const failure: DeliveryFailure = {
      status: 'FAILED',
      error: partial,
      recipients: rejected,
      attempts: claimed.attempts,
      subject: message.subject,
    };
    await untilRecorded(ctx, n.key, () => ctx.alert(n, failure));
  }
  return { outcome: 'sent', messageId: info.messageId, attempts: claimed.attempts, ambiguous };
}

/**
 * Step 5, when the send failed: permanent → FAILED and an alert; temporary on the last attempt →
 * DEAD and an alert; otherwise RETRY (a 4xx proved nothing was accepted) or SENDING (a timeout or
 * a dropped connection proves nothing, so the next attempt logs the ambiguity), and the queue retries.
 */
async function sendFailed(
  ctx: Ctx,
  n: LoadedNotice,
  message: Outgoing,
  good: string[],
  input: DeliverInput,
  members: string[],
  attempts: number,
  err: unknown,
): Promise<never> {
  const e = isDubangError(err, MailSendError)
    ? err
    : new MailSendError(String((err as Error)?.message ?? err), false, true);
  const error = e.responseCode ? `${e.message}` : `${e.transportCode ?? 'ERROR'}: ${e.message}`;
  const alert = (status: 'FAILED' | 'DEAD') =>
    ctx.alert(n, { status, error, recipients: good, attempts, subject: message.subject });
  if (e.permanent) {
    await finish(ctx, n, 'FAILED', { error, recipients: good, reason: `邮件被拒收：${error}` }, members);
    await alert('FAILED');
    ctx.d.logger.error('notice failed permanently', { key: n.key, error, attempts });
    throw new PermanentDeliveryError(error);
  }
  if (input.attempt >= input.maxAttempts) {
    await finish(ctx, n, 'DEAD', { error, recipients: good, reason: `多次重试后仍未送达：${error}` }, members);
    await alert('DEAD');
    ctx.d.logger.error('notice dead-lettered after its last attempt', { key: n.key, error, attempts });
    throw new PermanentDeliveryError(`dead letter after ${attempts} attempts: ${error}`);
  }
  await ctx.store.markUnfinished(n.id, e.ambiguous ? 'SENDING' : 'RETRY', error);
  const retry = { key: n.key, error, attempt: input.attempt, maxAttempts: input.maxAttempts };
  ctx.d.logger.warn('temporary delivery failure; will retry', retry);
  throw new TransientDeliveryError(error);
}

/**
 * Runs `record` until it succeeds, backing off from 100 ms to 5 s, for at most recordRetryMs
 * (default 10 min); then gives up with the last error (the next attempt sees the claim SENDING
 * and logs the resend as ambiguous).
 */
async function untilRecorded(ctx: Ctx, key: string, record: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + (ctx.d.recordRetryMs ?? 600_000);
  for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      await record();
      return;
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      ctx.d.logger.warn('sent, but the delivery record could not be written yet; retrying the record, not the send', {
        key,
        err: (err as Error)?.message,
        retryInMs: wait,
      });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
