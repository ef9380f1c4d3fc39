/** Progress reports: the reminder before the due day and the escalating chases after it. Pure. */
import { formatDate, formatDay, formatPeriod, ordinalCn } from '../format';
import { calendarDaysBetween, linkOf, need, OFFICE_GREETING, respondBy, unitGreeting, type Template } from './parts';
import { reportIcs, taskFields, taskName } from './task-parts';

/** The templates of report_reminder, report_chase. */
export const REPORT_TEMPLATES: Record<'report_reminder' | 'report_chase', Template> = {
  report_reminder: (i) => {
    const t = need(i.task, 'task', i.kind);
    const period = need(i.period, 'period', i.kind);
    const due = need(i.dueAt, 'dueAt (report due)', i.kind);
    const p = formatPeriod(period);
    return {
      subject: `【报告提醒】${taskName(t)}${p}进展报告将于${formatDay(due, i.zone)}到期`,
      title: `关于报送${taskName(t)}${p}进展报告的提醒`,
      greeting: unitGreeting(i),
      paragraphs: [
        `${taskName(t)}${p}进展报告应于${formatDate(due, i.zone)}前报送，目前尚未收到。请按时填报工作进展、完成比例及相关佐证材料。`,
      ],
      fields: [...taskFields(i, t), ['报告期', p], ['报送截止', formatDate(due, i.zone)]],
      ask: `请于${formatDate(due, i.zone)}前通过下方链接填报。`,
      action: { label: '填报进展报告', href: linkOf(i) },
      ics: reportIcs(i, t, period, due),
    };
  },

  report_chase: (i) => {
    const t = need(i.task, 'task', i.kind);
    const period = need(i.period, 'period', i.kind);
    const due = need(i.dueAt, 'dueAt (report due)', i.kind);
    const p = formatPeriod(period);
    const level = i.level ?? 1;
    const days = calendarDaysBetween(due, i.issuedAt, i.zone);
    const late = days > 0 ? `现已逾期${days}天` : '现已逾期';
    const unit = i.unit ?? '贵单位';
    const nth = level > 1 ? `（第${ordinalCn(level)}次催办）` : '';
    const by = respondBy(i);
    const base = `${taskName(t)}${p}进展报告应于${formatDate(due, i.zone)}前报送，${late}，仍未收到。`;
    const byLevel =
      level >= 3
        ? {
            greeting: OFFICE_GREETING,
            text: `${unit}${base}已两次催办，请办公室跟进督促。`,
            ask: '请跟进督促该单位补报。',
          }
        : level === 2
          ? {
              greeting: `${unit}分管负责同志：`,
              text: `${base}经催办仍未报送，请您督促本单位尽快补报。`,
              ask: by ? `请于${by}前补报。` : '请尽快补报。',
            }
          : { greeting: unitGreeting(i), text: base, ask: by ? `请于${by}前补报。` : '请尽快补报。' };
    return {
      subject: `【催办】${taskName(t)}${p}进展报告逾期未报${nth}`,
      title: `关于${taskName(t)}${p}进展报告的催办通知${nth}`,
      greeting: byLevel.greeting,
      paragraphs: [byLevel.text],
      fields: [...taskFields(i, t), ['报告期', p], ['报送截止', formatDate(due, i.zone)], ['逾期天数', `${days}天`]],
      ask: byLevel.ask,
      action: { label: level >= 3 ? '查看任务' : '补报进展报告', href: linkOf(i) },
    };
  },
};
