/**
 * Every action the audit log records, with the Chinese name a person reads for it (dashboard
 * timeline, /audit and its filter). One place: `audit()` (app/audit.ts) only accepts these codes,
 * so a new action without a name does not compile, and test/unit/labels.test.ts checks the codes
 * written anywhere in the source against this list. Pure.
 */
export const AUDIT_ACTION_LABELS = {
  'plan.imported': '导入方案',
  'plan.revised': '导入修订方案',
  'supervision.scheduled': '纳入督办',
  'plan.notify_roles': '设定通知角色',
  'assignment.created': '交办',
  'assignment.acknowledged': '签收',
  'assignment.retimed': '调整完成时限',
  'assignment.overdue': '逾期',
  'assignment.back_on_time': '恢复正常',
  'assignment.reassigned': '改派',
  'assignment.cancelled': '撤销分工',
  'task.cancelled': '撤销任务',
  'report.submitted': '报送进展',
  'completion.requested': '申请销号',
  'completion.approved': '同意销号',
  'completion.rejected': '退回销号申请',
  'extension.requested': '申请延期',
  'extension.approved': '同意延期',
  'extension.rejected': '驳回延期申请',
  'slip.issued': '签发督办单',
  'slip.closed': '关闭督办单',
  'notice.submitted': '登记通知',
  'link.issued': '生成办理链接',
  'link.revoked': '撤销办理链接',
  'link.refused': '拒绝无效链接',
  'link.refused_suppressed': '无效链接过多（已合并记录）',
  'link.reissued': '补发办理链接',
  'letter.read': '已读督办函',
  'letter.resent': '重发督办函',
  'unit.created': '新增单位',
  'unit.updated': '修改单位',
  'unit.contacts_updated': '修改联系人',
  'unit.robots_updated': '修改群机器人',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;

export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];

export function isAuditAction(s: string): s is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTION_LABELS, s);
}
