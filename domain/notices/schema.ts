/**
 * The payload a notice carries, by kind, as zod schemas: the types in ./payload are inferred from
 * these, and the send path parses a stored payload with parseNoticePayload before reading it, so
 * no reader casts loose JSON. Pure.
 *
 * Not re-exported from the index: workflow code imports domain/notices, and zod stays out of the
 * workflow bundle. Import this file directly (app/notices does).
 *
 * Every field but `to` is optional, as every writer since the first stored payloads wrote them
 * (activities, the Office's re-sent assignment notice, the digest, the alert, the assessment). A
 * file a payload names is checked by app/notices/attachments.ts, which says what is wrong with it
 * (a local path is refused there, with its own message), so `attachments` is read here as it is.
 */
import { z } from 'zod';
import { NOTICE_KINDS, type NoticeKind } from './kinds';
import { DomainErrorCodes, DubangError } from '../errors';

const role = z.enum(['liaison', 'leader', 'office', 'leadership']);
const colour = z.enum(['BLUE', 'ORANGE', 'RED']);

/** One line of a catch-up letter or summary (domain/notices CatchUpItem, plus what the activity adds). */
const item = z.object({
  task: z.number(),
  unit: z.string().optional(),
  what: z.enum(['deadline', 'report']).optional(),
  text: z.string().optional(),
  dueAt: z.string().nullable().optional(),
  period: z.string().optional(),
  overdueDays: z.number().optional(),
  /** the colour the item's 督办 has reached */
  slip: z.string().nullable().optional(),
  /** the 督办单 issued for it */
  slipNumber: z.string().nullable().optional(),
  /** its assignment */
  assignmentId: z.string().nullable().optional(),
});

/** What every notice the policy engine plans carries (activities: payloadOf in ./payload). */
const planned = z.object({
  /** recipients by role; resolved to addresses from the directory at send time */
  to: z.array(role),
  task: z.number().optional(),
  unit: z.string().nullable().optional(),
  /** the 督办单 this notice issues */
  slip: z.object({ number: z.string(), colour }).nullable().optional(),
  level: z.number().optional(),
  period: z.string().optional(),
  /** what falls due (report or deadline), ISO with offset */
  dueAt: z.string().optional(),
  /** catch-up notices: one line per item */
  items: z.array(item).optional(),
  /** it goes out after its moment: the service was down across it */
  late: z.boolean().optional(),
  /** a catch-up notice's worst colour (it has no single slip) */
  colour: colour.optional(),
  /** the 督办单 numbers a catch-up notice cites */
  slips: z.array(z.string()).optional(),
  /** the moment the policy named */
  nominalAt: z.string().optional(),
  /** the plan's slug */
  plan: z.string().optional(),
  /** free text: a decision's reason */
  reason: z.string().nullable().optional(),
  /** by when the recipient is asked to act (ISO) */
  respondBy: z.string().nullable().optional(),
  /** extension review: the date asked for (ISO) */
  requestedDueAt: z.string().nullable().optional(),
});

/**
 * What was decided: the object written since the decision contract was fixed, or the bare audit
 * action of older payloads (domain/messages decisionOf reads both).
 */
const decision = z.union([
  z.string(),
  z.object({
    action: z.string().optional(),
    subject: z.enum(['completion', 'extension']).optional(),
    approved: z.boolean().optional(),
    newDueAt: z.string().nullable().optional(),
  }),
]);

const assignment = planned.extend({
  /** sent again because the Office revoked the unit's links */
  reissued: z.boolean().optional(),
});

const decisionNotice = planned.extend({ decision: decision.nullable().optional() });

/** A recipient's daily digest: the opted-in address and the window of parked notices it carries. */
const digest = z.object({
  to: z.array(role),
  recipient: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
});

/**
 * A unit letter (单位督办函): the one address it goes to and the Letter row whose items it carries
 * (app/notices/letters.ts). `resendOf` names the letter an Office resend repeats.
 */
const unitLetter = z.object({
  to: z.array(role),
  recipient: z.string(),
  letterId: z.string(),
  unitId: z.string(),
  plan: z.string(),
  resendOf: z.string().nullable().optional(),
});

const task = z.object({
  number: z.number(),
  text: z.string(),
  deadlinePhrase: z.string(),
  dueAt: z.string().nullable(),
  kind: z.enum(['deadline', 'standing']),
  role: z.enum(['LEAD', 'CO', 'IMPLICIT']).nullable().optional(),
  planTitle: z.string().nullable().optional(),
});

/** An alert to the Office: an email could not be delivered. */
const deliveryFailure = z.object({
  to: z.array(role),
  unit: z.string().nullable().optional(),
  task: z.number().optional(),
  /** the task the failed notice was about, for the alert's text */
  taskInfo: task.nullable().optional(),
  failure: z.object({
    kind: z.enum(NOTICE_KINDS),
    key: z.string(),
    subject: z.string().nullable().optional(),
    recipients: z.array(z.string()),
    error: z.string(),
    attempts: z.number(),
    status: z.enum(['FAILED', 'DEAD']),
  }),
  reason: z.string().nullable().optional(),
});

/** The annual assessment's result to the Office and leadership (app/assessment/run.ts). */
const assessment = z.object({
  to: z.array(role),
  topic: z.string().optional(),
  year: z.number().optional(),
  digest: z.string().optional(),
  /** what the template shows (domain/messages AssessmentMessage) */
  assessment: z.object({
    year: z.number(),
    label: z.string().optional(),
    asOf: z.string().optional(),
    interim: z.boolean().optional(),
    rows: z.array(z.object({ rank: z.number().optional(), unit: z.string(), score: z.number(), grade: z.string() })),
    grades: z.array(z.object({ grade: z.string(), label: z.string() })).optional(),
    top: z.number().optional(),
    lagging: z.number().optional(),
    bulletin: z.string().nullable().optional(),
    files: z.array(z.string()).optional(),
    digest: z.string().nullable().optional(),
  }),
  /** files read and attached at send time: checked by app/notices/attachments.ts */
  attachments: z.unknown().optional(),
});

/**
 * A message to one group robot (app/notices/channels.ts): the robot (UnitRobot id; its webhook and
 * secret stay in the directory, never in a payload) and what the message is about: a unit letter
 * that was sent (its subject, the email's time and the letter for the workspace link), the daily
 * red/orange slip summary of one office day.
 */
const imMessage = z.object({
  to: z.array(role),
  robotId: z.string(),
  about: z.enum(['letter', 'slips']),
  /** the unit whose robot it is (its name) */
  robotUnit: z.string(),
  letterId: z.string().optional(),
  unitId: z.string().optional(),
  planId: z.string().optional(),
  title: z.string().optional(),
  /** when the letter's email went (ISO) */
  emailedAt: z.string().optional(),
  /** the office day of a slip summary (yyyy-MM-dd, local) */
  day: z.string().optional(),
});

/** The payload schema of each kind. */
export const NOTICE_PAYLOAD_SCHEMAS = {
  assignment,
  ack_reminder: planned,
  ack_escalation: planned,
  report_reminder: planned,
  report_chase: planned,
  deadline_reminder: planned,
  supervision: planned,
  completion_review: planned,
  extension_review: planned,
  decision: decisionNotice,
  catchup_unit: planned,
  catchup_summary: planned,
  digest,
  unit_letter: unitLetter,
  delivery_failure: deliveryFailure,
  assessment,
  im_message: imMessage,
} as const satisfies { [K in NoticeKind]: z.ZodType };

export type NoticePayloadSchemas = typeof NOTICE_PAYLOAD_SCHEMAS;

/** A stored payload that does not have its kind's shape: the notice cannot be sent (permanent). */
export class NoticePayloadError extends DubangError {
  static override readonly code = DomainErrorCodes.NoticePayloadError;
}

/**
 * Parses a stored payload by its kind; a kind the registry does not know is read as a planned
 * notice's. Throws NoticePayloadError naming the first field that is wrong.
 */
export function parseNoticePayload<K extends NoticeKind>(kind: K, raw: unknown): z.output<NoticePayloadSchemas[K]>;
export function parseNoticePayload(kind: string, raw: unknown): z.output<NoticePayloadSchemas[NoticeKind]>;
export function parseNoticePayload(kind: string, raw: unknown): unknown {
  const schema: z.ZodType = (NOTICE_PAYLOAD_SCHEMAS as Record<string, z.ZodType>)[kind] ?? planned;
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first?.path.length ? `payload.${first.path.join('.')}` : 'payload';
  throw new NoticePayloadError(`通知数据格式不正确（${where}：${first?.message ?? '无效'}）`);
}
