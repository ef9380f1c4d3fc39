/**
 * What `dubang task …` prints for a person: dates in the configured zone in Chinese form, roles,
 * states, notice kinds and recipients in Chinese (the --json output keeps the codes and instants).
 */
import type { TaskView } from '../app/tasks';
import { INPUT_NAMES, STATE_NAMES, type LifecycleInputType } from '../domain/lifecycle';
import { KIND_LABELS } from '../domain/messages';
import { colourName, formatDate } from '../domain/messages/format';
import type { AssignmentState } from '../domain/model';
import type { RecipientRole } from '../domain/notices';

const ROLE: Record<string, string> = { LEAD: '牵头', CO: '配合', IMPLICIT: '属地落实' };
const TO: Record<RecipientRole, string> = {
  liaison: '联络员',
  leader: '分管负责人',
  office: '领导小组办公室',
  leadership: '领导小组',
};
/** Temporal's workflow status names */
const WORKFLOW: Record<string, string> = {
  RUNNING: '运行中',
  COMPLETED: '已结束',
  NOT_STARTED: '未启动',
  TERMINATED: '已终止',
  CANCELLED: '已取消',
  FAILED: '失败',
  TIMED_OUT: '超时',
  CONTINUED_AS_NEW: '运行中',
};

const state = (s: string) => STATE_NAMES[s as AssignmentState] ?? s;

export function taskViewText(v: TaskView, zone: string): string {
  const due = v.dueAt ? `（${formatDate(v.dueAt, zone)}）` : '';
  return [
    `任务(${v.task}) 完成时限：${v.deadlinePhrase}${due}  督办流程：${WORKFLOW[v.workflowStatus] ?? v.workflowStatus}`,
    v.text,
    ...v.assignments.map(
      (a) =>
        `  ${a.unit}（${ROLE[a.role] ?? a.role}） ${state(a.state)}${a.overdue ? ' 逾期' : ''}${a.dueAt && a.dueAt !== a.originalDueAt ? ` 延期至${formatDate(a.dueAt, zone)}` : ''}`,
    ),
    ...(v.upcoming.length
      ? [
          '即将发出的通知：',
          ...v.upcoming.map(
            (u) =>
              `  ${formatDate(u.at, zone)} ${KIND_LABELS[u.kind] ?? u.kind} ${u.unit ?? ''} → ${u.to.map((r) => TO[r] ?? r).join('、')}${u.slip ? `（${colourName(u.slip)}督办单）` : ''}`,
          ),
        ]
      : []),
  ].join('\n');
}

export function taskInputText(
  type: LifecycleInputType,
  r: { task: number; unit: string; state: AssignmentState; dueAt?: string | null },
  zone: string,
): string {
  return `任务(${r.task}) ${r.unit}：${INPUT_NAMES[type]}完成，当前状态「${STATE_NAMES[r.state]}」${r.dueAt ? `，完成时限 ${formatDate(r.dueAt, zone)}` : ''}`;
}
