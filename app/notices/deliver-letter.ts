/**
 * A letter's notice (kind unit_letter; letters.ts says which notices a letter carries): closes the
 * letter, gathers its items still due and sends them as one email. A unit's letter carries one link
 * to the unit's workspace (本单位督办事项), the calendar of its due dates and, when it gives tasks or
 * is long, the XLSX list. Every carried notice shares the letter's record.
 */
import {
  renderUnitLetter,
  renderCentralLetter,
  centralLetterRows,
  letterRows,
  letterRowsOf,
  MessageInputError,
} from '../../domain/messages';
import { NoticePayloadError, parseNoticePayload } from '../../domain/notices/schema';
import { isDubangError } from '../../contracts/errors';
import { composeMessageInput } from './compose';
import type { LoadedNotice } from './delivery-store';
import { collectLetter, letterWait, settleLetterMembers } from './letters';
import { letterWorkbook } from './letter-file';
import {
  PermanentDeliveryError,
  composeOptions,
  failPermanently,
  kindLabel,
  sendAndRecord,
  type Ctx,
  type DeliverInput,
  type DeliveryOutcome,
  type Outgoing,
} from './delivery-steps';

/** The letter of a unit_letter notice (letters.ts), from its payload. */
function letterPayload(n: LoadedNotice) {
  try {
    return parseNoticePayload('unit_letter', n.payload);
  } catch (err) {
    if (!isDubangError(err, NoticePayloadError)) throw err;
    throw new PermanentDeliveryError(`unit letter ${n.key}: payload lacks its letter or recipient`);
  }
}

export async function settleLetterOf(ctx: Ctx, n: LoadedNotice): Promise<void> {
  const settled = await settleLetterMembers(ctx.d.sql, letterPayload(n).letterId);
  if (settled) ctx.d.logger.warn('letter rerun recorded its carried notices', { key: n.key, settled });
  // the IM messages are keyed by the letter's items: submitting them again is a no-op (channels.ts)
  await ctx.d.channels?.afterLetter(letterPayload(n).letterId, null);
}

/**
 * A letter: closes it, gathers its items still due (letters.ts collectLetter) and sends them as one
 * email. A unit's letter carries one link to the unit's workspace, the calendar of its due dates
 * and, when it gives tasks or is long, the XLSX list; a summary letter to the Office or the
 * leadership links each row to its task's page on the dashboard and, when long, counts the items
 * per unit with every row in the attached list. Every carried notice shares the letter's record.
 */
export async function deliverLetter(ctx: Ctx, n: LoadedNotice, input: DeliverInput): Promise<DeliveryOutcome> {
  const p = letterPayload(n);
  const now = ctx.clock();
  // items of its moment the mail worker has not reached yet join this letter, not the next
  const again = await letterWait(ctx.d.sql, p.letterId, now);
  if (again !== null) return { outcome: 'deferred', untilMs: again };
  const unitLink = ctx.d.unitLinkFor;
  let link: string | null = null;
  const store = { sql: ctx.d.sql, store: ctx.store, logger: ctx.d.logger };
  const closed = await collectLetter(store, p.letterId, async (m, l) => {
    // a unit letter: the workspace link first, every row and calendar entry of the letter carries it;
    // a summary letter: each row its task's page on the dashboard
    if (!l.central && unitLink && link === null)
      link = await unitLink({ unitId: l.unitId, planId: l.planId, letterId: l.id });
    const rowLink = l.central ? taskPage(ctx, m) : link;
    const entry = composeMessageInput(m, await composeOptions(ctx, m, now, rowLink));
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
    const compactAbove = ctx.d.letterCompactAbove ?? 40;
    const base = { unit: letter.unitName, issuedAt: now.toISOString(), zone: ctx.d.zone, sender: ctx.sender };
    if (letter.central) {
      const rows = centralLetterRows(entries);
      const list = rows.length > compactAbove ? await letterWorkbook(base, rows, true) : null;
      const rendered = renderCentralLetter({
        ...base,
        key: n.key,
        recipient: letter.unitName,
        leadership: letter.unitKind === 'LEADERSHIP',
        moment: entries[0]!.noticeDueAt,
        dashboard: ctx.office ? `${ctx.office}/` : null,
        entries,
        listFile: list?.filename ?? null,
        compactAbove,
        resent: letter.resendOf !== null,
      });
      message = { ...rendered, attachments: list ? [list] : [] };
    } else {
      const rows = letterRows(entries);
      const withList = rows.some((r) => r.kind === 'assignment') || rows.length > compactAbove;
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
    }
  } catch (err) {
    if (!isDubangError(err, MessageInputError)) throw err;
    return failPermanently(ctx, n, `无法生成${kindLabel(n.kind)}：${err.message}`, [p.recipient]);
  }
  const sent = await sendAndRecord(ctx, n, message, [p.recipient], [], input, members);
  // the email is the record; the unit's group robots are then told it went (channels.ts)
  if (sent.outcome === 'sent') await ctx.d.channels?.afterLetter(letter.id, message.subject);
  return sent;
}

/** The dashboard page of a notice's task (the Office's view of it), or its unit's page for a notice about a unit. */
function taskPage(ctx: Ctx, m: LoadedNotice): string | null {
  if (!ctx.office) return null;
  if (m.assignment) return `${ctx.office}/assignments/${encodeURIComponent(m.assignment.id)}`;
  return `${ctx.office}/slips?open=1`;
}
