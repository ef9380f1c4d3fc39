/**
 * The payload a notice carries beyond what the mail processor re-reads from the database at send
 * time, as a union keyed by kind. The types are inferred from the zod schemas in ./schema (type
 * imports only: nothing of zod is loaded here), and the one function that writes a planned
 * notice's payload. Pure.
 */
import type { z } from 'zod';
import type { NoticeKind } from './kinds';
import type { CatchUpItem, PlannedNotice } from './planned';
import type { NoticePayloadSchemas } from './schema';

/** The payload a notice of kind K carries, as written. */
export type NoticePayloadOf<K extends NoticeKind> = z.input<NoticePayloadSchemas[K]>;

/** The payload of a notice of kind K, as read back (parseNoticePayload in ./schema). */
export type StoredNoticePayload<K extends NoticeKind> = z.output<NoticePayloadSchemas[K]>;

/** Any notice's payload: the union over the kinds. */
export type NoticePayload = { [K in NoticeKind]: NoticePayloadOf<K> }[NoticeKind];

/** What every planned notice carries (reminders, chases, 督办, reviews, catch-up letters). */
export type PlannedNoticePayload = NoticePayloadOf<'report_chase'>;

/** A catch-up item as a payload lists it: the planned item plus its assignment and 督办单 number. */
export type PayloadItem = CatchUpItem & { assignmentId?: string; slipNumber?: string };

/**
 * What a planned notice carries to the pipeline beyond its key, kind and moment: the one writer of
 * planned payloads (the lifecycle's and the catch-up's activities).
 * - `slip`: the 督办单 the notice issues; a notice without one (a catch-up letter) carries the
 *   colour it reached instead;
 * - `items`: a catch-up notice's items with their slip numbers (default: the planned items);
 * - `slips`: the numbers a catch-up notice cites;
 * - `decision`, `reason`: what the Office decided, for a decision notice.
 */
export function plannedPayload(
  n: PlannedNotice,
  o: {
    plan: string;
    slip?: { number: string } | null;
    items?: PayloadItem[];
    slips?: string[];
    decision?: NoticePayloadOf<'decision'>['decision'];
    reason?: string | null;
  },
): NoticePayloadOf<'decision'> {
  const slip = o.slip ?? null;
  const items = o.items ?? n.items;
  return {
    to: n.to,
    task: n.task,
    unit: n.unit,
    slip: slip && n.slip ? { number: slip.number, colour: n.slip } : null,
    ...(n.level !== undefined ? { level: n.level } : {}),
    ...(n.period !== undefined ? { period: n.period } : {}),
    ...(n.dueAt !== undefined ? { dueAt: n.dueAt } : {}),
    // catch-up notices list what is overdue; a settled notice says it went out after its moment
    ...(items !== undefined ? { items } : {}),
    ...(n.late ? { late: true } : {}),
    // a catch-up notice has no single slip: its items carry their slip numbers, the notice the worst colour
    ...(!slip && n.slip ? { colour: n.slip } : {}),
    ...(o.slips ? { slips: o.slips } : {}),
    nominalAt: n.nominalAt,
    plan: o.plan,
    ...(o.decision ? { decision: o.decision } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
  };
}

/**
 * A parsed payload as a reader that serves every kind sees it (the message composer): every field
 * any kind carries, each optional. Each kind's parsed payload is one of these.
 */
export type AnyStoredPayload = Partial<
  StoredNoticePayload<'assignment'> &
    StoredNoticePayload<'decision'> &
    StoredNoticePayload<'digest'> &
    StoredNoticePayload<'unit_letter'> &
    StoredNoticePayload<'delivery_failure'> &
    StoredNoticePayload<'assessment'> &
    StoredNoticePayload<'im_message'>
>;
