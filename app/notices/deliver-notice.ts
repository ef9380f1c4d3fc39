/**
 * Use case: deliver one notice, exactly once.
 *
 *  1. re-read the notice; a final delivery record (SENT, FAILED, DEAD) means this is a rerun: stop;
 *  2. the send-time guard: a notice no longer due is marked SKIPPED;
 *  3. resolve recipients and render; a bad address or unrenderable notice fails permanently;
 *  4. claim: one statement inserts the Delivery row (unique per notice) as SENDING, or bumps the
 *     attempt count of an unfinished one. A SENDING row left by an earlier attempt means that
 *     attempt died between handing the message over and recording the outcome: the only window in
 *     which a duplicate is possible, logged as ambiguous (RELIABILITY row 1);
 *  5. send; 6. record SENT (Message-ID, SMTP reply) and the notice's status in one statement.
 *
 * Failures: permanent (5xx, bad address) → FAILED, the Office alerted, no retry; temporary (4xx,
 * connection) → RETRY and a TransientDeliveryError for the queue's backoff, and on the last attempt
 * DEAD plus an alert.
 */
import type { Sql } from '../../contracts/sql';
import type { NotificationPort, NoticePayload } from '../../contracts/notification';
import { renderNotice, renderDigest, MessageInputError, KIND_LABELS, type RenderedMessage, type NoticeMessageInput } from '../../domain/messages';
import { FINAL_DELIVERY_STATUSES, fixedRecipients, noticeKey, staleReason, type NoticeKind } from '../../domain/notices';
import type { RecipientRole } from '../../domain/notices';
import type { Logger } from '../../infra/logger';
import { MailSendError, type FileStore, type Mailer, type OutgoingAttachment, type SendResult } from '../../contracts/mail';
import { fileAttachmentRefs, readFileAttachments, type FileAttachmentRef } from './attachments';
import { loadNotice, loadNotices, type LoadedNotice } from './load-notice';
import { coalesce } from './batch';
import { isValidAddress, type Recipient, type RecipientResolver } from './recipients';
import { composeMessageInput } from './compose';
import { parkedMembers } from './digest';

/** A temporary failure: the queue should retry with backoff. */
export class TransientDeliveryError extends Error {
  override name = 'TransientDeliveryError';
}

/** A permanent failure, recorded and alerted: the queue must not retry. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

export type DeliveryOutcome =
  | { outcome: 'sent'; messageId: string; attempts: number; ambiguous: boolean }
  | { outcome: 'already'; status: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'missing' }
  | { outcome: 'digest'; window: string };

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
  linkFor?: (n: { id: string; key: string; kind: string; assignmentId: string | null }) => string | null | Promise<string | null>;
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
type Outgoing = Omit<RenderedMessage, 'attachments'> & { attachments: (RenderedMessage['attachments'][number] | OutgoingAttachment)[] };

export function createDeliverNotice(d: DeliverDeps) {
  const clock = d.clock ?? (() => new Date());
  const office = d.officeUrl?.replace(/\/+$/, '');
  /**
   * A catch-up letter lists many assignments: the unit's letter links each item to its own signed
   * form (the notice id as the token id, as for the notice's own link), the Office's summary links
   * each item to its assignment page.
   */
  const itemLink = async (n: LoadedNotice): Promise<((assignmentId: string) => string | null) | undefined> => {
    if (n.kind === 'catchup_summary') return office ? (id) => `${office}/assignments/${encodeURIComponent(id)}` : undefined;
    if (n.kind !== 'catchup_unit' || !d.linkFor) return undefined;
    // links are signed (in each assignment's current link epoch) before composing, which is synchronous
    const linkFor = d.linkFor;
    const ids = [...new Set(((n.payload as NoticePayload | null)?.items ?? []).flatMap((it) => (it.assignmentId ? [it.assignmentId] : [])))];
    const links = new Map(await Promise.all(ids.map(async (id) => [id, (await linkFor({ id: n.id, key: n.key, kind: n.kind, assignmentId: id })) ?? null] as const)));
    return (id) => links.get(id) ?? null;
  };
  const composeOpts = async (n: LoadedNotice, now: Date) => ({ zone: d.zone, sender, now, link: (await d.linkFor?.(n)) ?? null, itemLink: await itemLink(n) });
  const sender = senderName(d.from);
  const msgDomain = domainOf(d.from);
  // concurrent jobs' loads share one statement (batch.ts); each is as fresh as a load of its own
  const lingerMs = d.coalesceMs ?? 5;
  const loadBatch = coalesce((ids: string[]) => loadNotices(d.sql, ids), { lingerMs });

  /**
   * Claim: insert the Delivery row as SENDING, or bump an unfinished one (SENDING, RETRY); a final
   * row is left alone and answers nothing. Concurrent jobs' claims share one statement (batch.ts):
   * one round trip and one commit for all of them, each row still claimed atomically and durably
   * before its send. Ids are sorted so two workers' statements lock rows in the same order.
   */
  const claimBatch = coalesce<string, { attempts: number; prev: string | null }>(async (ids) => {
    const rows = await d.sql<{ id: string; attempts: number; prev: string | null }>(
      `WITH prev AS (SELECT "noticeId", status FROM "Delivery" WHERE "noticeId" = ANY($1::uuid[]))
       INSERT INTO "Delivery" (id, "noticeId", attempts, status)
       SELECT gen_random_uuid(), x.id, 1, 'SENDING' FROM unnest($1::uuid[]) AS x(id)
       ON CONFLICT ("noticeId") DO UPDATE SET attempts = "Delivery".attempts + 1, status = 'SENDING'
         WHERE "Delivery".status IN ('SENDING', 'RETRY')
       RETURNING "noticeId"::text AS id, attempts, (SELECT prev.status::text FROM prev WHERE prev."noticeId" = "Delivery"."noticeId") AS prev`,
      [[...ids].sort()],
    );
    return new Map(rows.map((r) => [r.id, { attempts: r.attempts, prev: r.prev }]));
  }, { lingerMs });

  async function claim(noticeId: string): Promise<{ attempts: number; prev: string | null } | null> {
    return (await claimBatch(noticeId)) ?? null;
  }

  /** One final outcome to record (see finish). */
  interface Outcome {
    id: string;
    status: string;
    noticeStatus: string;
    messageId: string | null;
    response: string | null;
    error: string | null;
    sentAt: string | null;
    reason: string | null;
    recipients: string[] | null;
  }
  /**
   * Record final outcomes: Delivery and Notice change together, in one statement (atomic without a
   * transaction round trip); concurrent jobs' outcomes share the statement (batch.ts).
   */
  const recordBatch = coalesce<Outcome, true>(
    async (outcomes) => {
      const sorted = [...outcomes].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      await d.sql(
        `WITH v AS (
           SELECT * FROM json_to_recordset($1::json) AS x(id uuid, status text, "noticeStatus" text, "messageId" text, response text,
             error text, "sentAt" timestamptz, reason text, recipients text[])),
         del AS (
           UPDATE "Delivery" SET status = v.status::"DeliveryStatus", "messageId" = v."messageId", "smtpResponse" = v.response, error = v.error, "sentAt" = v."sentAt"
           FROM v WHERE "Delivery"."noticeId" = v.id AND "Delivery"."noticeId" = ANY($2::uuid[]) RETURNING "Delivery"."noticeId")
         UPDATE "Notice" SET status = v."noticeStatus"::"NoticeStatus", "statusReason" = v.reason,
           recipients = COALESCE(v.recipients, "Notice".recipients), "updatedAt" = now()
         FROM v WHERE "Notice".id = v.id AND "Notice".id = ANY($2::uuid[])`,
        // the id list repeated as an array gives the planner an index condition: joined only
        // with the JSON rows, a young table without statistics is scanned whole for every batch
        [JSON.stringify(sorted), sorted.map((o) => o.id)],
      );
      return new Map(outcomes.map((o) => [o.id, true as const]));
    },
    { id: (o) => o.id, lingerMs },
  );

  async function finish(
    noticeId: string,
    status: 'SENT' | 'FAILED' | 'DEAD' | 'RETRY' | 'SENDING',
    f: { messageId?: string | null; response?: string | null; error?: string | null; recipients?: string[]; reason?: string | null; members?: string[] },
  ) {
    const noticeStatus = status === 'RETRY' || status === 'SENDING' ? null : status;
    const sentAt = status === 'SENT' ? clock() : null;
    if (noticeStatus) {
      await recordBatch({
        id: noticeId,
        status,
        noticeStatus,
        messageId: f.messageId ?? null,
        response: f.response ?? null,
        error: f.error ?? null,
        sentAt: sentAt?.toISOString() ?? null,
        reason: f.reason ?? null,
        recipients: f.recipients ?? null,
      });
      if (f.members?.length) {
        // the notices a digest carried share its outcome and Message-ID, each on its own record
        await d.sql(
          `WITH del AS (
             UPDATE "Delivery" SET status = $2::"DeliveryStatus", "messageId" = $3, "smtpResponse" = $4, error = $5, "sentAt" = $6, attempts = 1
             WHERE "noticeId" = ANY($1::uuid[]) AND status = 'PARKED' RETURNING "noticeId")
           UPDATE "Notice" SET status = $7::"NoticeStatus", "statusReason" = $8, "updatedAt" = now()
           WHERE id IN (SELECT "noticeId" FROM del)`,
          [f.members, status, f.messageId ?? null, f.response ?? null, f.error ?? null, sentAt, noticeStatus, status === 'SENT' ? '已随每日督办摘要发送' : f.reason ?? null],
        );
      }
    } else {
      await d.sql(`UPDATE "Delivery" SET status = $2::"DeliveryStatus", error = $3 WHERE "noticeId" = $1::uuid`, [noticeId, status, f.error ?? null]);
    }
  }

  async function recordWithoutSending(n: LoadedNotice, status: 'FAILED', error: string, to: string[]) {
    await d.sql(
      `INSERT INTO "Delivery" (id, "noticeId", attempts, status, error)
       VALUES (gen_random_uuid(), $1::uuid, 0, $2::"DeliveryStatus", $3)
       ON CONFLICT ("noticeId") DO UPDATE SET status = $2::"DeliveryStatus", error = $3 WHERE "Delivery".status IN ('SENDING', 'RETRY')`,
      [n.id, status, error],
    );
    await finish(n.id, status, { error, recipients: to, reason: error });
  }

  async function alertOffice(n: LoadedNotice, status: 'FAILED' | 'DEAD', error: string, to: string[], attempts: number, subject: string | null) {
    if (n.kind === 'delivery_failure') {
      // never alert about an alert: that could loop; the log and the DEAD/FAILED row are the record
      d.logger.error('delivery-failure alert itself could not be delivered', { noticeId: n.id, key: n.key, error });
      return;
    }
    const now = clock();
    const roles: RecipientRole[] = [...(fixedRecipients('delivery_failure') ?? [])];
    await d.notify.submit({
      key: noticeKey(`alert-${n.id}`, 'delivery_failure', n.dueAt.getTime()),
      kind: 'delivery_failure',
      assignmentId: null,
      scope: `alert-${n.id}`,
      dueAt: now.toISOString(),
      slipId: null,
      payload: {
        to: roles,
        unit: n.assignment?.unit.name ?? null,
        ...(n.assignment ? { task: n.assignment.task.number } : {}),
        taskInfo: n.assignment
          ? { number: n.assignment.task.number, text: n.assignment.task.text, deadlinePhrase: n.assignment.task.deadlinePhrase, dueAt: null, kind: n.assignment.task.kind }
          : null,
        failure: { kind: n.kind as NoticeKind, key: n.key, subject, recipients: to, error, attempts, status },
        reason: error,
      },
    });
  }

  async function deliverNotice(input: DeliverInput): Promise<DeliveryOutcome> {
    const n = (await loadBatch(input.noticeId)) ?? null;
    if (!n) return { outcome: 'missing' };
    if (n.delivery && (FINAL_DELIVERY_STATUSES as ReadonlySet<string>).has(n.delivery.status)) return { outcome: 'already', status: n.delivery.status };
    if (n.status === 'SENT' || n.status === 'FAILED' || n.status === 'DEAD') return { outcome: 'already', status: n.status };
    if (n.kind === 'digest') return deliverDigest(n, input);

    const a = n.assignment;
    const reason = staleReason(
      { kind: n.kind, status: n.status, payload: (n.payload ?? {}) as Record<string, unknown> },
      a
        ? { state: a.state, cancelledAt: a.cancelledAt, acknowledgedAt: a.acknowledgedAt, dueAt: a.dueAt, taskCancelledAt: a.task.cancelledAt, reportedPeriods: a.reports.map((r) => r.period) }
        : null,
    );
    if (reason) {
      await d.sql(`UPDATE "Notice" SET status = 'SKIPPED', "statusReason" = $2, "updatedAt" = now() WHERE id = $1::uuid AND status IN ('PENDING', 'QUEUED')`, [n.id, reason]);
      d.logger.info('notice skipped at send time', { key: n.key, reason });
      return { outcome: 'skipped', reason };
    }

    const now = clock();
    const roles = ((n.payload as { to?: RecipientRole[] })?.to ?? []) as RecipientRole[];
    // A notice about a unit but no single assignment (catch-up) names the unit in its payload.
    const unitName = (n.payload as { unit?: string | null })?.unit;
    const unitContacts = a ? a.unit.contacts : unitName ? await d.recipients.unitContacts(unitName) : [];
    const to = await d.recipients.resolve(roles, unitContacts, now.getTime());
    const addresses = to.map((r) => r.email);
    const bad = addresses.filter((x) => !isValidAddress(x));
    if (!to.length || bad.length === to.length) {
      const error = !to.length ? `没有可用的收件地址（收件角色：${roles.join('、') || '未指定'}）` : `收件地址无效：${bad.join('、')}`;
      await recordWithoutSending(n, 'FAILED', error, addresses);
      await alertOffice(n, 'FAILED', error, addresses, 0, null);
      throw new PermanentDeliveryError(error);
    }
    const good = addresses.filter(isValidAddress);

    let files: FileAttachmentRef[] = [];
    try {
      files = fileAttachmentRefs(n.payload);
    } catch (err) {
      if ((err as Error).name !== 'AttachmentError') throw err;
    }
    // a digest carries rendered parts only: a notice with files goes alone so its files go with it
    if (d.digest && !files.length) {
      const window = await d.digest(n, to.filter((r) => isValidAddress(r.email)), now);
      if (window) return { outcome: 'digest', window };
    }

    let message: Outgoing;
    try {
      const rendered = renderNotice(composeMessageInput(n, await composeOpts(n, now)));
      // read at send time, from the file store only (attachments.ts)
      message = { ...rendered, attachments: [...rendered.attachments, ...(await readFileAttachments(fileAttachmentRefs(n.payload), d.files, d.maxAttachmentBytes))] };
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'MessageInputError' && name !== 'AttachmentError') throw err;
      const error = `无法生成${KIND_LABELS[n.kind as NoticeKind] ?? n.kind}：${(err as MessageInputError).message}`;
      await recordWithoutSending(n, 'FAILED', error, good);
      await alertOffice(n, 'FAILED', error, good, 0, null);
      throw new PermanentDeliveryError(error);
    }
    return sendAndRecord(n, message, good, bad, input, []);
  }

  /** A digest notice: gathers the parked notices of its window that are still due and sends them as one email. */
  async function deliverDigest(n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome> {
    const p = (n.payload ?? {}) as { recipient?: string; windowStart?: string; windowEnd?: string };
    if (!p.recipient || !p.windowStart || !p.windowEnd) throw new PermanentDeliveryError(`digest ${n.key}: payload lacks recipient or window`);
    const now = clock();
    const entries: NoticeMessageInput[] = [];
    const members: string[] = [];
    let recipientName = p.recipient;
    for (const id of await parkedMembers(d.sql, p.recipient, p.windowStart, p.windowEnd)) {
      const m = await loadNotice(d.sql, id);
      if (!m) continue;
      const a = m.assignment;
      const reason = staleReason(
        { kind: m.kind, status: m.status, payload: (m.payload ?? {}) as Record<string, unknown> },
        a ? { state: a.state, cancelledAt: a.cancelledAt, acknowledgedAt: a.acknowledgedAt, dueAt: a.dueAt, taskCancelledAt: a.task.cancelledAt, reportedPeriods: a.reports.map((r) => r.period) } : null,
      );
      if (reason) {
        await d.sql(`UPDATE "Delivery" SET status = 'SKIPPED', error = $2 WHERE "noticeId" = $1::uuid AND status = 'PARKED'`, [m.id, reason]);
        await d.sql(`UPDATE "Notice" SET status = 'SKIPPED', "statusReason" = $2, "updatedAt" = now() WHERE id = $1::uuid AND status IN ('PENDING', 'QUEUED')`, [m.id, reason]);
        continue;
      }
      try {
        entries.push(composeMessageInput(m, await composeOpts(m, now)));
        members.push(m.id);
        if (a) recipientName = a.unit.name;
      } catch (err) {
        d.logger.error('digest entry could not be composed; left parked', { key: m.key, err });
      }
    }
    // read in task order, whatever order the notices fell due in
    entries.sort((x, y) => (x.task?.number ?? 0) - (y.task?.number ?? 0) || x.kind.localeCompare(y.kind));
    if (!entries.length) {
      await d.sql(`UPDATE "Notice" SET status = 'SKIPPED', "statusReason" = '摘要中没有仍需发送的事项', "updatedAt" = now() WHERE id = $1::uuid AND status IN ('PENDING', 'QUEUED')`, [n.id]);
      return { outcome: 'skipped', reason: '摘要中没有仍需发送的事项' };
    }
    let message: RenderedMessage;
    try {
      message = renderDigest({ key: n.key, zone: d.zone, issuedAt: now.toISOString(), sender, recipientName, windowStart: p.windowEnd, entries });
    } catch (err) {
      if ((err as Error).name !== 'MessageInputError') throw err;
      await recordWithoutSending(n, 'FAILED', (err as Error).message, [p.recipient]);
      throw new PermanentDeliveryError((err as Error).message);
    }
    return sendAndRecord(n, message, [p.recipient], [], input, members);
  }

  async function sendAndRecord(n: LoadedNotice, message: Outgoing, good: string[], bad: string[], input: DeliverInput, members: string[]): Promise<DeliveryOutcome> {
    const claimed = await claim(n.id);
    if (!claimed) return { outcome: 'already', status: 'final' };
    const ambiguous = claimed.prev === 'SENDING';
    if (ambiguous) {
      d.logger.warn('ambiguous delivery: an earlier attempt stopped after handing the message to SMTP and before recording the result; sending again may duplicate it', {
        key: n.key,
        noticeId: n.id,
        attempts: claimed.attempts,
      });
    }

    let info: SendResult;
    try {
      info = await d.mailer.send({
        from: d.from,
        to: good,
        subject: message.subject,
        text: message.text,
        html: message.html,
        attachments: message.attachments,
        messageId: `<${n.key}@${msgDomain}>`,
        headers: { 'X-Dubang-Notice': n.key, 'X-Dubang-Kind': n.kind },
      });
    } catch (err) {
      const e = err instanceof MailSendError || (err as Error)?.name === 'MailSendError' ? (err as MailSendError) : new MailSendError(String((err as Error)?.message ?? err), false, true);
      const error = e.responseCode ? `${e.message}` : `${e.code ?? 'ERROR'}: ${e.message}`;
      if (e.permanent) {
        await finish(n.id, 'FAILED', { error, recipients: good, reason: `邮件被拒收：${error}`, members });
        await alertOffice(n, 'FAILED', error, good, claimed.attempts, message.subject);
        d.logger.error('notice failed permanently', { key: n.key, error, attempts: claimed.attempts });
        throw new PermanentDeliveryError(error);
      }
      if (input.attempt >= input.maxAttempts) {
        await finish(n.id, 'DEAD', { error, recipients: good, reason: `多次重试后仍未送达：${error}`, members });
        await alertOffice(n, 'DEAD', error, good, claimed.attempts, message.subject);
        d.logger.error('notice dead-lettered after its last attempt', { key: n.key, error, attempts: claimed.attempts });
        throw new PermanentDeliveryError(`dead letter after ${claimed.attempts} attempts: ${error}`);
      }
      // A server's 4xx answer proves nothing was accepted (RETRY); a timeout or a dropped
      // connection does not, so the row stays SENDING and the next attempt logs the ambiguity.
      await finish(n.id, e.ambiguous ? 'SENDING' : 'RETRY', { error });
      d.logger.warn('temporary delivery failure; will retry', { key: n.key, error, attempt: input.attempt, maxAttempts: input.maxAttempts });
      throw new TransientDeliveryError(error);
    }

    // The server accepted the message: from here on a failure must not lead to sending it again.
    // A database outage between the 250 and the record would otherwise leave the claim SENDING
    // and the retry would send a duplicate, so the record is retried here, in this job, for as
    // long as recordRetryMs allows (the job keeps its queue lock meanwhile).
    const rejected = [...bad, ...info.rejected];
    await untilRecorded(n.key, () =>
      finish(n.id, 'SENT', {
        messageId: info.messageId,
        response: info.response,
        error: rejected.length ? `部分收件人被拒收：${rejected.join('、')}` : null,
        recipients: info.accepted.length ? info.accepted : good,
        members,
      }),
    );
    // the alert's key is deterministic: retrying its submission cannot alert twice
    if (rejected.length) await untilRecorded(n.key, () => alertOffice(n, 'FAILED', `部分收件人被拒收：${rejected.join('、')}`, rejected, claimed.attempts, message.subject));
    return { outcome: 'sent', messageId: info.messageId, attempts: claimed.attempts, ambiguous };
  }

  /**
   * Runs `record` until it succeeds, backing off from 100 ms to 5 s, for at most recordRetryMs
   * (default 10 min); then gives up with the last error (the next attempt sees the claim SENDING
   * and logs the resend as ambiguous).
   */
  async function untilRecorded(key: string, record: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + (d.recordRetryMs ?? 600_000);
    for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await record();
        return;
      } catch (err) {
        if (Date.now() + wait > deadline) throw err;
        d.logger.warn('sent, but the delivery record could not be written yet; retrying the record, not the send', { key, err: (err as Error)?.message, retryInMs: wait });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  return deliverNotice;
}

export type DeliverNotice = ReturnType<typeof createDeliverNotice>;