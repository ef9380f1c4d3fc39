/**
 * The send-time guard: is a notice still worth sending? Pure: a function of the notice and the
 * assignment as they are now (docs/reliability.md row 8). Returns the reason (Chinese, shown on the
 * dashboard) when the notice is stale, or null when it should go out. Which rule applies to which
 * kind is the registry's (./registry `stale`).
 */
import type { NoticeKind } from './kinds';
import { kindSpec, type StaleWhen } from './registry';

export interface GuardNotice {
  kind: NoticeKind | string;
  status: string;
  payload: { dueAt?: string; period?: string } & Record<string, unknown>;
}

export interface GuardAssignment {
  state: string;
  cancelledAt: Date | null;
  acknowledgedAt: Date | null;
  /** the due instant in force */
  dueAt: Date | null;
  taskCancelledAt: Date | null;
  /** periods with a submitted report */
  reportedPeriods: string[];
}

const sameInstant = (a: Date | null, iso: string | undefined): boolean =>
  !iso || (a !== null && a.getTime() === new Date(iso).getTime());

/** Each kind's own rule: the reason it is void now, or null. */
const RULES: Record<StaleWhen, (n: GuardNotice, a: GuardAssignment) => string | null> = {
  acknowledged: (_n, a) => (a.acknowledgedAt || a.state !== 'ASSIGNED' ? '任务已签收' : null),
  'period-reported': (n, a) =>
    n.payload.period && a.reportedPeriods.includes(n.payload.period) ? '该期进展报告已报送' : null,
  // an approved extension moved the deadline: notices planned for the old one are void (the
  // re-planned notices carry the new due instant, hence a new key)
  'deadline-moved': (n, a) => (sameInstant(a.dueAt, n.payload.dueAt) ? null : '完成时限已调整（延期已批准）'),
  'completion-decided': (_n, a) => (a.state === 'COMPLETION_REQUESTED' ? null : '销号申请已处理'),
  'extension-decided': (_n, a) => (a.state === 'EXTENSION_REQUESTED' ? null : '延期申请已处理'),
};

/** Reason the notice should not go out any more, or null. */
export function staleReason(n: GuardNotice, a: GuardAssignment | null): string | null {
  if (n.status === 'SKIPPED') return '通知已取消';
  // a kind the registry does not know follows the assignment, with no rule of its own
  const spec = kindSpec(n.kind)?.stale ?? { followsAssignment: true, whenCompleted: true, when: null };
  if (!spec.followsAssignment || !a) return null;
  if (a.cancelledAt || a.taskCancelledAt || a.state === 'CANCELLED') return '任务已取消';
  if (a.state === 'COMPLETED' && spec.whenCompleted) return '任务已销号';
  return spec.when ? RULES[spec.when](n, a) : null;
}
