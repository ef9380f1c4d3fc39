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
 * Each step is a function of its own; createDeliverNotice only wires them. Steps 1–3 of one notice
 * are below; steps 4–6 and what every kind shares are in delivery-steps.ts; a digest's and a
 * letter's own delivery in deliver-digest.ts and deliver-letter.ts. The statements are the delivery
 * store's (delivery-store.ts), the alert is alert.ts.
 */
import { renderNotice, MessageInputError } from '../../domain/messages';
import { staleReason, FINAL_DELIVERY_STATUSES, type AnyStoredPayload } from '../../domain/notices';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';
import { isDubangError } from '../../contracts/errors';
import { createAlertOffice } from './alert';
import { fileAttachmentRefs, readFileAttachments, AttachmentError } from './attachments';
import { composeMessageInput, guardAssignment, guardNotice } from './compose';
import { createDeliveryStore, type LoadedNotice } from './delivery-store';
import { deliverDigest } from './deliver-digest';
import { deliverLetter, settleLetterOf } from './deliver-letter';
import { isValidAddress, type Recipient } from './recipients';
import {
  composeOptions,
  failPermanently,
  kindLabel,
  sendAndRecord,
  type Ctx,
  type DeliverDeps,
  type DeliverInput,
  type DeliveryOutcome,
  type Outgoing,
} from './delivery-steps';

export {
  TransientDeliveryError,
  PermanentDeliveryError,
  type DeliverDeps,
  type DeliverInput,
  type DeliveryOutcome,
} from './delivery-steps';

/** The sender's display name (南昌市质量强市领导小组办公室), for signatures. */
export function senderName(from: string): string {
  const m = /^\s*"?([^"<]+?)"?\s*<[^>]+>\s*$/.exec(from);
  return m?.[1] ?? from;
}

function domainOf(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'dubang.local';
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

/**
 * Step 1: a final delivery record or notice status means this is a rerun. PARKED is final for a
 * notice waiting in a letter or a digest (they send it), not for an IM message: there it means
 * another job, holding the robot's lock, took it into a merge that may still be released (it need
 * not merge after all), so the message's own job goes on to the lock and finds out
 * (app/notices/channels.ts); taken for done, the released message was left QUEUED with no job.
 */
function alreadyDone(n: LoadedNotice): DeliveryOutcome | null {
  const parkedIm = n.kind === 'im_message' && n.delivery?.status === 'PARKED';
  if (n.delivery && !parkedIm && (FINAL_DELIVERY_STATUSES as ReadonlySet<string>).has(n.delivery.status)) {
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
