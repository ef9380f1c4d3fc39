/**
 * The registry of notice kinds: for each kind, its Chinese name, who receives it, what closing the
 * assignment does to it, what supersedes it, when it is stale at send time, and whether it may go
 * into a daily digest. Every rule of closing, surviving and staleness reads this table (the
 * lifecycle's activities, the queue port, the send-time guard in ./stale, the policy engine's
 * catch-up); nothing else lists kinds. Pure.
 */
import type { SlipColour } from '../model';
import { NOTICE_KINDS, type NoticeKind, type RecipientRole } from './kinds';

/**
 * What closing an assignment (销号 or 撤销) does to the kind's notices about it:
 * - `cancelled`: pending ones are cancelled, and none is submitted after the close;
 * - `sent`: they still go out (they report the closing decision, or are not about one assignment);
 * - `never-cancelled`: they still go out, and a cancel that names no kinds leaves them alone too
 *   (alerts about failed mail are not about the assignment's lifecycle).
 */
export type OnClose = 'cancelled' | 'sent' | 'never-cancelled';

/**
 * Who receives the kind: the roles the policy names for each step (config/policy.json), fixed
 * roles, or the one address the payload names (`recipient`: whose daily digest or unit letter it is).
 */
export type KindRecipients = { policy: true } | { roles: readonly RecipientRole[] } | { payloadAddress: true };

/**
 * What makes a notice of the kind void once the assignment moved on (the send-time guard, ./stale):
 * - `acknowledged`: the unit acknowledged the assignment;
 * - `period-reported`: the report of the notice's period was submitted;
 * - `deadline-moved`: the deadline in force is no longer the one the notice was planned for;
 * - `completion-decided` / `extension-decided`: the request it asks the Office to review was decided.
 */
export type StaleWhen =
  'acknowledged' | 'period-reported' | 'deadline-moved' | 'completion-decided' | 'extension-decided';

/**
 * Whether a later notice takes the kind's place once the moment it is about (its `dueAt`) has
 * passed: `always` for reminders of a moment still ahead (the 催办/督办 planned after it cover it),
 * `blue-slip` for the blue 督办单 about a stalled item before its deadline (the overdue 督办 covers
 * it), `never` otherwise.
 */
export type SupersededAtDue = 'always' | 'blue-slip' | 'never';

export interface NoticeKindSpec {
  /** the Chinese name, as a reader would call it */
  label: string;
  recipients: KindRecipients;
  onClose: OnClose;
  supersededAtDue: SupersededAtDue;
  stale: {
    /** false: the assignment's state never makes it stale (an alert about failed mail) */
    followsAssignment: boolean;
    /** whether a completed (销号) assignment makes it stale; a cancelled one always does */
    whenCompleted: boolean;
    /** the kind's own rule, if any */
    when: StaleWhen | null;
  };
  /** may be parked for the recipient's daily digest instead of going alone */
  digestible: boolean;
  /**
   * goes to a unit's contacts inside that unit's letter (单位督办函, app/notices/letters.ts) rather
   * than alone: one email per (unit, plan, recipient, moment) carries every such item
   */
  inUnitLetter: boolean;
}

const policy = { policy: true } as const;
const follows = (when: StaleWhen | null, whenCompleted = true) => ({ followsAssignment: true, whenCompleted, when });

export const NOTICE_KIND_SPECS: { readonly [K in NoticeKind]: NoticeKindSpec } = {
  assignment: {
    label: '任务交办通知',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows(null),
    digestible: true,
    inUnitLetter: true,
  },
  ack_reminder: {
    label: '签收提醒',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows('acknowledged'),
    digestible: true,
    inUnitLetter: true,
  },
  ack_escalation: {
    label: '签收催告',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows('acknowledged'),
    digestible: true,
    inUnitLetter: true,
  },
  report_reminder: {
    label: '报告提醒',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'always',
    stale: follows('period-reported'),
    digestible: true,
    inUnitLetter: true,
  },
  report_chase: {
    label: '催办通知',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows('period-reported'),
    digestible: true,
    inUnitLetter: true,
  },
  deadline_reminder: {
    label: '到期提醒',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'always',
    stale: follows('deadline-moved'),
    digestible: true,
    inUnitLetter: true,
  },
  supervision: {
    label: '督办通知',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'blue-slip',
    stale: follows('deadline-moved'),
    digestible: true,
    inUnitLetter: true,
  },
  completion_review: {
    label: '销号审核提醒',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows('completion-decided'),
    digestible: true,
    inUnitLetter: false,
  },
  extension_review: {
    label: '延期审核提醒',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows('extension-decided'),
    digestible: true,
    inUnitLetter: false,
  },
  // it reports the decision that may close the assignment: a completion does not void it
  decision: {
    label: '审核结果通知',
    recipients: { roles: ['liaison', 'leader'] },
    onClose: 'sent',
    supersededAtDue: 'never',
    stale: follows(null, false),
    digestible: true,
    inUnitLetter: true,
  },
  catchup_unit: {
    label: '逾期事项汇总通知',
    recipients: policy,
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows(null),
    digestible: true,
    inUnitLetter: true,
  },
  catchup_summary: {
    label: '逾期事项汇总',
    recipients: policy,
    onClose: 'sent',
    supersededAtDue: 'never',
    stale: follows(null),
    digestible: true,
    inUnitLetter: false,
  },
  digest: {
    label: '每日督办摘要',
    recipients: { payloadAddress: true },
    onClose: 'sent',
    supersededAtDue: 'never',
    stale: follows(null),
    digestible: false,
    inUnitLetter: false,
  },
  unit_letter: {
    label: '单位督办函',
    recipients: { payloadAddress: true },
    onClose: 'never-cancelled',
    supersededAtDue: 'never',
    // its items are each re-checked when it goes (app/notices/letters.ts), not the letter itself
    stale: { followsAssignment: false, whenCompleted: false, when: null },
    digestible: false,
    inUnitLetter: false,
  },
  // about failed mail, not about the assignment: nothing about the assignment voids it
  delivery_failure: {
    label: '邮件投递失败提醒',
    recipients: { roles: ['office'] },
    onClose: 'never-cancelled',
    supersededAtDue: 'never',
    stale: { followsAssignment: false, whenCompleted: false, when: null },
    digestible: false,
    inUnitLetter: false,
  },
  assessment: {
    label: '年度考核结果',
    recipients: { roles: ['office', 'leadership'] },
    onClose: 'cancelled',
    supersededAtDue: 'never',
    stale: follows(null),
    digestible: true,
    inUnitLetter: false,
  },
  // a group robot's message points to a letter already sent, or is the Office's daily slip summary:
  // nothing about one assignment voids it (app/notices/channels.ts)
  im_message: {
    label: '群机器人消息',
    recipients: { payloadAddress: true },
    onClose: 'never-cancelled',
    supersededAtDue: 'never',
    stale: { followsAssignment: false, whenCompleted: false, when: null },
    digestible: false,
    inUnitLetter: false,
  },
};

export function isNoticeKind(k: string): k is NoticeKind {
  return Object.prototype.hasOwnProperty.call(NOTICE_KIND_SPECS, k);
}

/** The registry entry of a kind, or null for a string that names none (a row written by a newer version). */
export function kindSpec(k: string): NoticeKindSpec | null {
  return isNoticeKind(k) ? NOTICE_KIND_SPECS[k] : null;
}

const kindsWhere = (f: (s: NoticeKindSpec) => boolean): NoticeKind[] =>
  NOTICE_KINDS.filter((k) => f(NOTICE_KIND_SPECS[k]));

/** Chinese names of the kinds. */
export const NOTICE_KIND_LABELS = Object.fromEntries(
  NOTICE_KINDS.map((k) => [k, NOTICE_KIND_SPECS[k].label]),
) as Record<NoticeKind, string>;

/** Kinds that still go out after the assignment closed (onClose `sent` or `never-cancelled`). */
export const SENT_WHEN_CLOSED: ReadonlySet<NoticeKind> = new Set(kindsWhere((s) => s.onClose !== 'cancelled'));

/** What closing an assignment makes pointless: every reminder, chase and escalation about it. */
export const CANCELLED_ON_CLOSE: readonly NoticeKind[] = kindsWhere((s) => s.onClose === 'cancelled');

/** Kinds a cancel that names no kinds leaves alone. */
export const NEVER_CANCELLED_IMPLICITLY: readonly NoticeKind[] = kindsWhere((s) => s.onClose === 'never-cancelled');

/** Whether a notice of this kind still goes out about an assignment that is closed. */
export function sentWhenClosed(kind: NoticeKind): boolean {
  return SENT_WHEN_CLOSED.has(kind);
}

/**
 * Reminders about a moment still ahead: once that moment has passed, the chase/supervision variant
 * covers it. The workflows' planner reads this set (the registry test pins it to the two kinds it
 * always held, so replayed decisions stay the same).
 */
export const BEFORE_DUE_KINDS: ReadonlySet<NoticeKind> = new Set(kindsWhere((s) => s.supersededAtDue === 'always'));

/** Whether a later notice takes this one's place once the moment it is about has passed (see SupersededAtDue). */
export function supersededAtDue(n: { kind: NoticeKind; slip: SlipColour | null }): boolean {
  const s = NOTICE_KIND_SPECS[n.kind].supersededAtDue;
  return s === 'always' || (s === 'blue-slip' && n.slip === 'BLUE');
}

/** Whether a notice of this kind may be parked for a daily digest (a kind the registry does not know may). */
export function digestible(kind: string): boolean {
  return kindSpec(kind)?.digestible ?? true;
}

/**
 * Whether a notice of this kind goes to a unit's contacts inside the unit's letter (a kind the
 * registry does not know goes alone).
 */
export function inUnitLetter(kind: string): boolean {
  return kindSpec(kind)?.inUnitLetter ?? false;
}

/** The fixed roles a kind goes to, or null when the policy or the payload names them. */
export function fixedRecipients(kind: NoticeKind): readonly RecipientRole[] | null {
  const r = NOTICE_KIND_SPECS[kind].recipients;
  return 'roles' in r ? r.roles : null;
}
