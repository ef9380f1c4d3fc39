/** The notice kinds and the recipient roles. Pure. */

export const NOTICE_KINDS = [
  'assignment', // 任务交办通知: task, deadline, reporting calendar, signed link, ICS
  'ack_reminder', // 签收提醒: not acknowledged after N workdays
  'ack_escalation', // 签收催告 to the unit leader
  'report_reminder', // 报告提醒: a periodic report falls due soon
  'report_chase', // 催办: a report is missing (level 1 liaison, 2 leader, 3 Office)
  'deadline_reminder', // 到期提醒: 30 days / 7 days / 1 workday before the deadline
  'supervision', // 督办通知 with a 督办单 (slip colour blue/orange/red)
  'completion_review', // 销号审核提醒 to the Office
  'extension_review', // 延期审核提醒 to the Office
  'decision', // result of an Office decision (completion/extension approved or rejected) to the unit
  'catchup_unit', // one consolidated overdue notice per unit at catch-up
  'catchup_summary', // one summary to the Office at catch-up
  'digest', // per-recipient daily digest
  'unit_letter', // 单位督办函: one email to one recipient of a unit carrying every item of one moment
  'delivery_failure', // alert to the Office: an email could not be delivered
  'assessment', // 年度考核结果 to the Office and leadership: bulletin draft, summary, XLSX/CSV attached
  'im_message', // 群机器人消息: a short DingTalk/WeCom message to one group robot (app/notices/channels.ts)
] as const;

export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Who a notice goes to, by role; the directory resolves roles to addresses. */
export type RecipientRole = 'liaison' | 'leader' | 'office' | 'leadership';
