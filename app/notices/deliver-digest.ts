/**
 * A digest notice (digest.ts says which notices wait for it): the parked notices of its window that
 * are still due, as one email to the one address that opted in.
 */
import { renderDigest, MessageInputError, type RenderedMessage } from '../../domain/messages';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';
import { isDubangError } from '../../contracts/errors';
import { composeMessageInput } from './compose';
import type { LoadedNotice } from './delivery-store';
import { collectDigest } from './digest';
import {
  PermanentDeliveryError,
  composeOptions,
  outcome,
  sendAndRecord,
  type Ctx,
  type DeliverInput,
  type DeliveryOutcome,
} from './delivery-steps';

/** A digest notice: gathers the parked notices of its window that are still due and sends them as one email. */
export async function deliverDigest(ctx: Ctx, n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome> {
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
