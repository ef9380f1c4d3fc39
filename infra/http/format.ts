/** Display helpers for pages: dates in the service's zone, Chinese labels for states and actions. */
import { DateTime } from 'luxon';
import { STATE_NAMES, INPUT_NAMES } from '../../domain/lifecycle';
import type { AssignmentState } from '../../domain/model';
import { html, type SafeHtml } from './html';
import { LIGHT_LABELS, type Light } from '../../app/dashboard/lights';

export function fmtDate(d: Date | string | null | undefined, zone: string, withTime = true): string {
  if (!d) return '—';
  const dt = DateTime.fromJSDate(typeof d === 'string' ? new Date(d) : d, { zone });
  return dt.isValid ? dt.toFormat(withTime ? 'yyyy-MM-dd HH:mm' : 'yyyy-MM-dd') : '—';
}

/**
 * A slip's issue date. A slip dated later than now was issued with a notice that waits for the next
 * office opening (catch-up started in the evening): it says so instead of showing a future date bare.
 */
export function fmtIssued(d: Date | string, zone: string, now = Date.now()): string {
  const at = typeof d === 'string' ? Date.parse(d) : d.getTime();
  return at > now ? `${fmtDate(d, zone)}（随通知发出）` : fmtDate(d, zone);
}

export function stateName(s: string): string {
  return STATE_NAMES[s as AssignmentState] ?? s;
}

export const ROLE_NAMES: Record<string, string> = { LEAD: '牵头', CO: '配合', IMPLICIT: '属地落实' };

export const ACTION_NAMES: Record<string, string> = {
  'plan.imported': '导入方案',
  'assignment.created': '交办',
  'assignment.acknowledged': '签收',
  'report.submitted': '报送进展',
  'report.attachments': '附佐证/指标',
  'completion.requested': '申请销号',
  'completion.approved': '同意销号',
  'completion.rejected': '退回销号申请',
  'extension.requested': '申请延期',
  'extension.approved': '同意延期',
  'extension.rejected': '驳回延期',
  'assignment.reassigned': '改派',
  'assignment.cancelled': '撤销',
  'assignment.overdue': '逾期',
  'assignment.back_on_time': '恢复正常',
  'slip.issued': '签发督办单',
  'slip.closed': '关闭督办单',
  'notice.sent': '发出通知',
  'notice.submitted': '登记通知',
  'link.refused': '拒绝无效链接',
  'link.revoked': '撤销链接',
  'link.issued': '生成链接',
  'unit.contacts_updated': '修改联系人',
  ...Object.fromEntries(Object.entries(INPUT_NAMES).map(([k, v]) => [k, v])),
};

export const SLIP_NAMES: Record<string, string> = { BLUE: '蓝色', ORANGE: '橙色', RED: '红色' };
/** Why a 督办单 closed (SupervisionSlip.closedBecause). */
export const SLIP_CLOSURE_NAMES: Record<string, string> = { COMPLETED: '任务已销号', CANCELLED: '分工已撤销或改派', EXTENDED: '延期获批，完成时限已调整' };
/** A slip's 关闭 cell: when and why, or 未关闭. */
export function slipClosedText(s: { closedAt: Date | null; closedBecause?: string | null }, zone: string): string {
  if (!s.closedAt) return '未关闭';
  const why = s.closedBecause ? SLIP_CLOSURE_NAMES[s.closedBecause] : null;
  return `${fmtDate(s.closedAt, zone)}${why ? `（${why}）` : ''}`;
}
export const NOTICE_STATUS_NAMES: Record<string, string> = { PENDING: '待发', QUEUED: '排队中', SENT: '已发送', SKIPPED: '已跳过', FAILED: '发送失败', DEAD: '重试耗尽' };

export function lightBadge(l: Light): SafeHtml {
  return html`<span class="light light-${l}" title="${LIGHT_LABELS[l]}"><span class="dot"></span>${LIGHT_LABELS[l]}</span>`;
}
