/**
 * The send-time guard: is a notice still worth sending? Pure: a function of the notice and the
 * assignment as they are now (docs/reliability.md row 8). Returns the reason (Chinese, shown on the
 * dashboard) when the notice is stale, or null when it should go out.
 */
import type { NoticeKind } from '../../domain/notices';

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

const sameInstant = (a: Date | null, iso: string | undefined): boolean => !iso || (a !== null && a.getTime() === new Date(iso).getTime());

/** Reason the notice should not go out any more, or null. */
export function staleReason(n: GuardNotice, a: GuardAssignment | null): string | null {
  if (n.status === 'SKIPPED') return '通知已取消';
  // alerts about failed mail are not about the assignment's state
  if (n.kind === 'delivery_failure' || !a) return null;
  if (a.cancelledAt || a.taskCancelledAt || a.state === 'CANCELLED') return '任务已取消';
  if (a.state === 'COMPLETED' && n.kind !== 'decision') return '任务已销号';
  switch (n.kind) {
    case 'ack_reminder':
    case 'ack_escalation':
      return a.acknowledgedAt || a.state !== 'ASSIGNED' ? '任务已签收' : null;
    case 'report_reminder':
    case 'report_chase':
      return n.payload.period && a.reportedPeriods.includes(n.payload.period) ? '该期进展报告已报送' : null;
    case 'deadline_reminder':
    case 'supervision':
      // an approved extension moved the deadline: notices planned for the old one are void (the
      // re-planned notices carry the new due instant, hence a new key)
      return sameInstant(a.dueAt, n.payload.dueAt) ? null : '完成时限已调整（延期已批准）';
    case 'completion_review':
      return a.state === 'COMPLETION_REQUESTED' ? null : '销号申请已处理';
    case 'extension_review':
      return a.state === 'EXTENSION_REQUESTED' ? null : '延期申请已处理';
    default:
      return null;
  }
}
