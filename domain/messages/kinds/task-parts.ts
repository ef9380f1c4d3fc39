/** How a notice shows its task: the task's name, its fields, its deadline and the calendar files. Pure. */
import { formatDate, formatDay, formatPeriod, localDate } from '../format';
import type { MessageTask, NoticeDoc, NoticeMessageInput } from '../input';
import { linkOf } from './parts';

/** How a notice names the unit's role in the task. */
export const ROLE_TEXT = { LEAD: '牵头单位', CO: '配合单位', IMPLICIT: '责任单位' } as const;

/** 督办任务(12): how every notice names a task. */
export function taskName(t: MessageTask): string {
  return `督办任务(${t.number})`;
}

/** The deadline as the plan words it, with the day (or that a standing task has none). */
export function deadlineText(t: MessageTask, zone: string): string {
  if (t.kind === 'standing' || !t.dueAt) return `${t.deadlinePhrase}（长期任务，持续推进）`;
  return `${t.deadlinePhrase}（${formatDay(t.dueAt, zone)}）`;
}

/**
 * How the task reports, as the unit is told when given it: the configured calendar when the notice
 * carries it (MessageTask.reporting), else the default policy's words.
 */
export function reportingText(t: MessageTask): string {
  if (t.reporting) return t.reporting.text;
  return t.kind === 'standing'
    ? '每季度结束后10日内报送进展，每年12月10日前报送年度总结'
    : '每季度结束后10日内报送进展';
}

/** The task's fields: its text, the unit and its role, the deadline. */
export function taskFields(i: NoticeMessageInput, t: MessageTask): [string, string][] {
  const f: [string, string][] = [['任务内容', t.text]];
  if (i.unit) f.push(['责任单位', t.role ? `${i.unit}（${ROLE_TEXT[t.role]}）` : i.unit]);
  f.push(['完成时限', deadlineText(t, i.zone)]);
  return f;
}

/** The calendar file of a task's deadline (one UID per assignment, so a new date replaces the old). */
export function deadlineIcs(i: NoticeMessageInput, t: MessageTask, dueAt: string): NoticeDoc['ics'] {
  return {
    filename: `督办任务${t.number}-完成时限.ics`,
    event: {
      uid: `deadline-${i.assignmentId ?? i.key}@dubang`,
      date: localDate(dueAt, i.zone),
      summary: `${taskName(t)}完成时限${i.unit ? `（${i.unit}）` : ''}`,
      description: `${t.text}\n完成时限：${deadlineText(t, i.zone)}\n办理链接：${linkOf(i)}`,
      issuedAt: i.issuedAt,
      url: i.link ?? null,
    },
  };
}

/** The calendar file of a report's due day (one UID per assignment and period). */
export function reportIcs(i: NoticeMessageInput, t: MessageTask, period: string, dueAt: string): NoticeDoc['ics'] {
  return {
    filename: `督办任务${t.number}-${period}报告.ics`,
    event: {
      uid: `report-${i.assignmentId ?? i.key}-${period}@dubang`,
      date: localDate(dueAt, i.zone),
      summary: `报送${taskName(t)}${formatPeriod(period)}进展报告`,
      description: `${t.text}\n报送截止：${formatDate(dueAt, i.zone)}\n填报链接：${linkOf(i)}`,
      issuedAt: i.issuedAt,
      url: i.link ?? null,
    },
  };
}
