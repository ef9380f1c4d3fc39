/**
 * Use case: deliver one notice, exactly once.
 *
 *  1. re-read the notice; a final delivery record (SENT, FAILED, DEAD) means this is a rerun: stop;
 *  2. the send-time guard: a notice no longer due is marked SKIPPED;
 *  3. resolve recipients and render; a bad address or unrenderable notice fails permanently;
 *  4. claim: one statement inserts the Delivery row (unique per notice) as SENDING, or bumps the
 *     attempt count of an unfinished one. A SENDING row left by an earlier attempt means that
 *     attempt died between handing the message over and recording the outcome: the only window in
 *     which a duplicate is possible, logged as ambiguous (docs/reliability.md row 1);
 *  5. send; 6. record SENT (Message-ID, SMTP reply) and the notice's status in one statement.
 *
 * Failures: permanent (5xx, bad address) → FAILED, the Office alerted, no retry; temporary (4xx,
 * connection) → RETRY and a TransientDeliveryError for the queue's backoff, and on the last attempt
 * DEAD plus an alert.
 *
 * Each step is a function of its own below; createDeliverNotice only wires them. The statements
 * are the delivery store's (delivery-store.ts), the alert is alert.ts, a digest's contents digest.ts.
 * The file is longer than 400 lines on purpose: it is one use case's steps, each short, read top
 * to bottom, next to the two error classes they throw.
 */
import type { Sql } from '../../contracts/sql';
import type { NotificationPort } from '../../contracts/notification';
import { MailSendError, type FileStore, type Mailer } from '../../contracts/mail';
import type { OutgoingAttachment, SendResult } from '../../contracts/mail';
import {
  renderNotice,
  renderDigest,
  renderUnitLetter,
  letterRows,
  letterRowsOf,
  MessageInputError,
  KIND_LABELS,
} from '../../domain/messages';
import type { RenderedMessage } from '../../domain/messages';
import { FINAL_DELIVERY_STATUSES, staleReason, type AnyStoredPayload } from '../../domain/notices';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';
import type { Logger } from '../../contracts/logger';
import { createAlertOffice, type AlertOffice, type DeliveryFailure } from './alert';
import { fileAttachmentRefs, readFileAttachments, AttachmentError } from './attachments';
import { composeMessageInput, guardAssignment, guardNotice, type ComposeOptions } from './compose';
import { createDeliveryStore, type DeliveryStore, type LoadedNotice } from './delivery-store';
import { collectDigest } from './digest';
import { collectLetter, settleLetterMembers, type LetterPark } from './letters';
import { letterWorkbook } from './letter-file';
import { isValidAddress, type Recipient, type RecipientResolver } from './recipients';
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
  | { outcome: 'letter'; letters: string[] };

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

/** The sender's display name (南昌市质量强市领导小组办公室), for signatures. */
export function senderName(from: string): string {
  const m = /^\s*"?([^"<]+?)"?\s*<[^>]+>\s*$/.exec(from);
  return m?.[1] ?? from;
}

function domainOf(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'dubang.local';
}

/** A rendered message plus the files attached at send time. */
type Outgoing = Omit<RenderedMessage, 'attachments'> & {
  attachments: (RenderedMessage['attachments'][number] | OutgoingAttachment)[];
};

/** What every step reads: the dependencies, and what is derived from them once. */
interface Ctx {
  d: DeliverDeps;
  clock: () => Date;
  store: DeliveryStore;
  alert: AlertOffice;
  sender: string;
  msgDomain: string;
  /** the Office's dashboard base URL without trailing slashes */
  office: string | undefined;
}

export function createDeliverNotice(d: DeliverDeps) {
  const clock = d.clock ?? (() => new Date());
  const ctx: Ctx = {
    d,
    clock,
    // concurrent jobs' loads, claims and records share statements (batch.ts)
    store: createDeliveryStore(d.sql, { lingerMs: d.coalesceMs ?? 5 }),
    alert: createAlertOffice({ notify: d.notify, logger: d.logger, clock }),
    sender: senderName(d.from),
    msgDomain: domainOf(d.from),
    office: d.officeUrl?.replace(/\/+$/, ''),
  };

  return async function deliverNotice(input: DeliverInput): Promise<DeliveryOutcome> {
    const n = await ctx.store.load(input.noticeId);
    if (!n) return { outcome: 'missing' };
    const done = alreadyDone(n);
    if (done) {
      // a letter that went before its carried notices were recorded (the process died in between)
      if (n.kind === 'unit_letter' && done.outcome === 'already' && done.status === 'SENT')
        await settleLetterOf(ctx, n);
      return done;
    }
    if (n.kind === 'digest') return deliverDigest(ctx, n, input);
    if (n.kind === 'unit_letter') return deliverLetter(ctx, n, input);
    if (n.kind === 'im_message' && ctx.d.channels) return ctx.d.channels.deliver(n, input);
    const skipped = await skipIfStale(ctx, n);
    if (skipped) return skipped;

    const now = clock();
    const p = await readPayload(ctx, n);
    const { to, good, bad } = await resolveRecipients(ctx, n, p, now);
    const window = await parkForDigest(ctx, n, to, now);
    if (window) return { outcome: 'digest', window };
    const letters = await parkInLetters(ctx, n, p, to, now);
    if (letters && !letters.alone.length) return { outcome: 'letter', letters: letters.letters };
    // the unit's contacts have it in their letters; the Office and the leadership get it as before
    const rest = letters ? letters.alone.map((r) => r.email) : null;
    const sendTo = rest ? good.filter((x) => rest.includes(x)) : good;
    if (!sendTo.length) return failPermanently(ctx, n, `收件地址无效：${(rest ?? []).join('、')}`, rest ?? []);
    const message = await renderMessage(ctx, n, sendTo, now);
    return sendAndRecord(ctx, n, message, sendTo, rest ? bad.filter((x) => rest.includes(x)) : bad, input, []);
  };
}

export type DeliverNotice = ReturnType<typeof createDeliverNotice>;

/** Step 1: a final delivery record or notice status means this is a rerun. */
function alreadyDone(n: LoadedNotice): DeliveryOutcome | null {
  if (n.delivery && (FINAL_DELIVERY_STATUSES as ReadonlySet<string>).has(n.delivery.status)) {
    return { outcome: 'already', status: n.delivery.status };
  }
  if (n.status === 'SENT' || n.status === 'FAILED' || n.status === 'DEAD') {
    return { outcome: 'already', status: n.status };
  }
  return null;
}

/** Step 2: the send-time guard (domain/notices staleReason); a notice no longer due is SKIPPED. */
async function skipIfStale(ctx: Ctx, n: LoadedNotice): Promise<DeliveryOutcome | null> {
  const reason = staleReason(guardNotice(n), guardAssignment(n));
  if (!reason) return null;
  await ctx.store.skipNotice(n.id, reason);
  ctx.d.logger.info('notice skipped at send time', { key: n.key, reason });
  return { outcome: 'skipped', reason };
}

/** The payload, parsed by its kind's schema; one that does not fit fails the notice permanently. */
async function readPayload(ctx: Ctx, n: LoadedNotice): Promise<AnyStoredPayload> {
  try {
    return parseNoticePayload(n.kind, n.payload);
  } catch (err) {
    if (!isDubangError(err, NoticePayloadError)) throw err;
    return failPermanently(ctx, n, `无法生成${kindLabel(n.kind)}：${err.message}`, []);
  }
}

/** Step 3a: roles → addresses from the directory as it is now; none usable fails permanently. */
async function resolveRecipients(ctx: Ctx, n: LoadedNotice, p: AnyStoredPayload, now: Date) {
  const roles = p.to ?? [];
  // A notice about a unit but no single assignment (catch-up) names the unit in its payload.
  const a = n.assignment;
  const unitContacts = a ? a.unit.contacts : p.unit ? await ctx.d.recipients.unitContacts(p.unit) : [];
  const to = await ctx.d.recipients.resolve(roles, unitContacts, now.getTime());
  const addresses = to.map((r) => r.email);
  const bad = addresses.filter((x) => !isValidAddress(x));
  if (!to.length || bad.length === to.length) {
    const error = !to.length
      ? `没有可用的收件地址（收件角色：${roles.join('、') || '未指定'}）`
      : `收件地址无效：${bad.join('、')}`;
    return failPermanently(ctx, n, error, addresses);
  }
  return { to, good: addresses.filter(isValidAddress), bad };
}

/** Whether the payload names files to attach (such a notice goes alone, so its files go with it). */
function hasFiles(n: LoadedNotice): boolean {
  try {
    return fileAttachmentRefs(n.payload).length > 0;
  } catch (err) {
    if (!isDubangError(err, AttachmentError)) throw err;
    return false;
  }
}

/** Step 3b: the digest hand-off; a notice with files goes alone so its files go with it. */
async function parkForDigest(ctx: Ctx, n: LoadedNotice, to: Recipient[], now: Date): Promise<string | null> {
  if (!ctx.d.digest || hasFiles(n)) return null;
  return ctx.d.digest(
    n,
    to.filter((r) => isValidAddress(r.email)),
    now,
  );
}

/** Step 3b': the unit-letter hand-off (letters.ts); a notice with files goes alone. */
async function parkInLetters(
  ctx: Ctx,
  n: LoadedNotice,
  p: AnyStoredPayload,
  to: Recipient[],
  now: Date,
): Promise<{ letters: string[]; alone: Recipient[] } | null> {
  if (!ctx.d.letters || hasFiles(n)) return null;
  return ctx.d.letters(n, p, to, now);
}

/** Step 3c: render, and attach the payload's files (read at send time, attachments.ts); failures are permanent. */
async function renderMessage(ctx: Ctx, n: LoadedNotice, good: string[], now: Date): Promise<Outgoing> {
  try {
    const rendered = renderNotice(composeMessageInput(n, await composeOptions(ctx, n, now)));
    const files = await readFileAttachments(fileAttachmentRefs(n.payload), ctx.d.files, ctx.d.maxAttachmentBytes);
    return { ...rendered, attachments: [...rendered.attachments, ...files] };
  } catch (err) {
    const permanent =
      isDubangError(err, MessageInputError) ||
      isDubangError(err, AttachmentError) ||
      isDubangError(err, NoticePayloadError);
    if (!permanent) throw err;
    return failPermanently(ctx, n, `无法生成${kindLabel(n.kind)}：${err.message}`, good);
  }
}

/** Records FAILED without sending, alerts the Office, and stops the job for good. */
async function failPermanently(ctx: Ctx, n: LoadedNotice, error: string, to: string[]): Promise<never> {
  await ctx.store.failWithoutSending(n.id, error);
  await ctx.store.record(outcome(ctx, n.id, 'FAILED', { error, recipients: to, reason: error }));
  await ctx.alert(n, { status: 'FAILED', error, recipients: to, attempts: 0, subject: null });
  throw new PermanentDeliveryError(error);
}

const kindLabel = (kind: string): string => KIND_LABELS[kind] ?? kind;

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
async function composeOptions(
  ctx: Ctx,
  n: LoadedNotice,
  now: Date,
  workspace: string | null = null,
): Promise<ComposeOptions> {
  if (workspace) return { zone: ctx.d.zone, sender: ctx.sender, now, link: workspace, itemLink: () => workspace };
  const link = (await ctx.d.linkFor?.(n)) ?? null;
  return { zone: ctx.d.zone, sender: ctx.sender, now, link, itemLink: await itemLink(ctx, n) };
}

/** A digest notice: gathers the parked notices of its window that are still due and sends them as one email. */
async function deliverDigest(ctx: Ctx, n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome> {
  let p;
  try {
    p = parseNoticePayload('digest', n.payload);
  } catch (err) {
    if (!isDubangError(err, NoticePayloadError)) throw err;
    throw new PermanentDeliveryError(`digest ${n.key}: payload lacks recipient or window`);
  }
  const now = ctx.clock();
  const compose = async (m: LoadedNotice) => composeMessageInput(m, await composeOptions(ctx, m, now));
  const store = { sql: ctx.d.sql, store: ctx.store, logger: ctx.d.logger };
  const { entries, members, recipientName } = await collectDigest(store, p, compose);
  if (!entries.length) {
    const reason = '摘要中没有仍需发送的事项';
    await ctx.store.skipNotice(n.id, reason);
    return { outcome: 'skipped', reason };
  }
  let message: RenderedMessage;
  try {
    const issuedAt = now.toISOString();
    const zone = ctx.d.zone;
    message = renderDigest({
      key: n.key,
      zone,
      issuedAt,
      sender: ctx.sender,
      recipientName,
      windowStart: p.windowEnd,
      entries,
    });
  } catch (err) {
    if (!isDubangError(err, MessageInputError)) throw err;
    await ctx.store.failWithoutSending(n.id, err.message);
    const error = err.message;
    await ctx.store.record(outcome(ctx, n.id, 'FAILED', { error, recipients: [p.recipient], reason: error }));
    throw new PermanentDeliveryError(err.message);
  }
  return sendAndRecord(ctx, n, message, [p.recipient], [], input, members);
}

/** The letter of a unit_letter notice (letters.ts), from its payload. */
function letterPayload(n: LoadedNotice) {
  try {
    return parseNoticePayload('unit_letter', n.payload);
  } catch (err) {
    if (!isDubangError(err, NoticePayloadError)) throw err;
    throw new PermanentDeliveryError(`unit letter ${n.key}: payload lacks its letter or recipient`);
  }
}

async function settleLetterOf(ctx: Ctx, n: LoadedNotice): Promise<void> {
  const settled = await settleLetterMembers(ctx.d.sql, letterPayload(n).letterId);
  if (settled) ctx.d.logger.warn('letter rerun recorded its carried notices', { key: n.key, settled });
  // the IM messages are keyed by the letter's items: submitting them again is a no-op
  await ctx.d.channels?.afterLetter(letterPayload(n).letterId, null);
}

/**
 * A unit letter: closes it, gathers its items still due (letters.ts collectLetter) and sends them
 * as one email with one link to the unit's workspace, the calendar of their due dates and, when
 * it gives tasks or is long, the XLSX list. Every carried notice shares the letter's record.
 */
async function deliverLetter(ctx: Ctx, n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome> {
  const p = letterPayload(n);
  const now = ctx.clock();
  const unitLink = ctx.d.unitLinkFor;
  let link: string | null = null;
  const store = { sql: ctx.d.sql, store: ctx.store, logger: ctx.d.logger };
  const closed = await collectLetter(store, p.letterId, async (m, l) => {
    // the workspace link first: every row and calendar entry of the letter carries it
    if (unitLink && link === null) link = await unitLink({ unitId: l.unitId, planId: l.planId, letterId: l.id });
    const entry = composeMessageInput(m, await composeOptions(ctx, m, now, link));
    letterRowsOf(entry); // renders its rows now: an item that cannot be written is left out (collectLetter)
    return entry;
  });
  if (!closed || !closed.entries.length) {
    const reason = closed ? '函件中的事项均已无需办理' : '函件已不存在（所属方案已删除）';
    await ctx.store.skipNotice(n.id, reason);
    return { outcome: 'skipped', reason };
  }
  const { letter, entries, members } = closed;
  let message: Outgoing;
  try {
    const rows = letterRows(entries);
    const compactAbove = ctx.d.letterCompactAbove ?? 40;
    const withList = rows.some((r) => r.kind === 'assignment') || rows.length > compactAbove;
    const base = { unit: letter.unitName, issuedAt: now.toISOString(), zone: ctx.d.zone, sender: ctx.sender };
    const list = withList ? await letterWorkbook(base, rows) : null;
    const rendered = renderUnitLetter({
      ...base,
      key: n.key,
      link,
      entries,
      listFile: list?.filename ?? null,
      compactAbove,
      resent: letter.resendOf !== null,
    });
    message = { ...rendered, attachments: [...rendered.attachments, ...(list ? [list] : [])] };
  } catch (err) {
    if (!isDubangError(err, MessageInputError)) throw err;
    return failPermanently(ctx, n, `无法生成${kindLabel(n.kind)}：${err.message}`, [p.recipient]);
  }
  const sent = await sendAndRecord(ctx, n, message, [p.recipient], [], input, members);
  // the email is the record; the unit's group robots are then told it went (channels.ts)
  if (sent.outcome === 'sent') await ctx.d.channels?.afterLetter(letter.id, message.subject);
  return sent;
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
function outcome(ctx: Ctx, noticeId: string, status: 'SENT' | 'FAILED' | 'DEAD', f: OutcomeFields) {
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
async function sendAndRecord(
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
