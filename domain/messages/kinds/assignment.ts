/** The assignment notice (交办通知) and the reminders to acknowledge it. Pure. */
import { formatDate } from '../format';
import { linkOf, need, respondBy, unitGreeting, type Template } from './parts';
import { deadlineIcs, reportingText, ROLE_TEXT, taskFields, taskName } from './task-parts';

/** The templates of assignment, ack_reminder, ack_escalation. */
export const ASSIGNMENT_TEMPLATES: Record<'assignment' | 'ack_reminder' | 'ack_escalation', Template> = {
  assignment: (i) => {
    const t = need(i.task, 'task', i.kind);
    const basis = t.planTitle ? `根据《${t.planTitle}》重点工作任务分工` : '根据重点工作任务分工';
    const role = t.role ? ROLE_TEXT[t.role] : '责任单位';
    const by = respondBy(i);
    return {
      subject: `【任务交办】关于落实${taskName(t)}的通知`,
      title: `关于落实${taskName(t)}的通知`,
      greeting: unitGreeting(i),
      paragraphs: [
        `${basis}，贵单位为第(${t.number})项任务的${role}。现将任务交办如下，请认真组织落实。`,
        // re-sent after the Office revoked the links: say so, so the unit uses this link and not an old one
        ...(i.reissued
          ? ['此前发给贵单位的本任务办理链接已停止使用，现重新发送本通知，请使用本邮件中的新链接办理。']
          : []),
      ],
      fields: [...taskFields(i, t), ['进展报送', reportingText(t)]],
      ...(i.acknowledgedAt
        ? {
            ask: `贵单位已于${formatDate(i.acknowledgedAt, i.zone)}签收本任务，无需再次签收；请通过下方链接报送进展或办理其他事项。`,
            action: { label: '办理任务', href: linkOf(i) },
          }
        : {
            ask: by ? `请于${by}前通过下方链接签收任务。` : '请在收到本通知后通过下方链接签收任务。',
            action: { label: '签收任务', href: linkOf(i) },
          }),
      ...(t.dueAt ? { ics: deadlineIcs(i, t, t.dueAt) } : {}),
    };
  },

  ack_reminder: (i) => {
    const t = need(i.task, 'task', i.kind);
    return {
      subject: `【签收提醒】${taskName(t)}尚未签收`,
      title: `关于签收${taskName(t)}的提醒`,
      greeting: unitGreeting(i),
      paragraphs: [`交办贵单位的${taskName(t)}至今尚未签收。请尽快签收，并安排专人负责落实。`],
      fields: taskFields(i, t),
      ask: respondBy(i) ? `请于${respondBy(i)}前签收。` : '请尽快签收。',
      action: { label: '签收任务', href: linkOf(i) },
    };
  },

  ack_escalation: (i) => {
    const t = need(i.task, 'task', i.kind);
    const unit = i.unit ?? '贵单位';
    return {
      subject: `【签收催告】${unit}尚未签收${taskName(t)}`,
      title: `关于${unit}未签收${taskName(t)}的催告`,
      greeting: `${unit}分管负责同志：`,
      paragraphs: [`${taskName(t)}交办后，经提醒${unit}仍未签收。请您督促本单位联络员尽快签收，并组织落实。`],
      fields: taskFields(i, t),
      ask: respondBy(i) ? `请于${respondBy(i)}前完成签收。` : '请督促尽快完成签收。',
      action: { label: '查看并签收任务', href: linkOf(i) },
    };
  },
};
