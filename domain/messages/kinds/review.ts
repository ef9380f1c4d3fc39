/** The Office's reviews of a unit's requests (completion, extension) and the decision the unit is told. Pure. */
import { formatDate, formatDay } from '../format';
import { linkOf, need, OFFICE_GREETING, respondBy, unitGreeting, type Template } from './parts';
import { deadlineIcs, taskFields, taskName } from './task-parts';

/** The templates of completion_review, extension_review, decision. */
export const REVIEW_TEMPLATES: Record<'completion_review' | 'extension_review' | 'decision', Template> = {
  completion_review: (i) => {
    const t = need(i.task, 'task', i.kind);
    const unit = i.unit ?? '责任单位';
    const by = respondBy(i);
    return {
      subject: `【销号审核】${unit}申请${taskName(t)}销号`,
      title: `关于${unit}申请${taskName(t)}销号的审核提醒`,
      greeting: OFFICE_GREETING,
      paragraphs: [
        `${unit}已申请${taskName(t)}销号，等待办公室审核。`,
        ...(i.reason ? [`完成情况说明：${i.reason}`] : []),
      ],
      fields: [
        ...taskFields(i, t),
        ...(i.evidenceLinks?.length ? ([['佐证材料', i.evidenceLinks.join('\n')]] as [string, string][]) : []),
      ],
      ask: by ? `请于${by}前完成审核。` : '请及时审核。',
      action: { label: '审核销号申请', href: linkOf(i) },
    };
  },

  extension_review: (i) => {
    const t = need(i.task, 'task', i.kind);
    const unit = i.unit ?? '责任单位';
    const requested = need(i.requestedDueAt, 'requestedDueAt', i.kind);
    const by = respondBy(i);
    const from = t.dueAt ? formatDate(t.dueAt, i.zone) : t.deadlinePhrase;
    return {
      subject: `【延期审核】${unit}申请${taskName(t)}延期至${formatDay(requested, i.zone)}`,
      title: `关于${unit}申请${taskName(t)}延期的审核提醒`,
      greeting: OFFICE_GREETING,
      paragraphs: [
        `${unit}申请将${taskName(t)}的完成时限由${from}延期至${formatDate(requested, i.zone)}。`,
        ...(i.reason ? [`申请理由：${i.reason}`] : []),
      ],
      fields: [...taskFields(i, t), ['申请延期至', formatDate(requested, i.zone)]],
      ask: by ? `请于${by}前完成审核。` : '请在原完成时限前完成审核。',
      action: { label: '审核延期申请', href: linkOf(i) },
    };
  },

  decision: (i) => {
    const t = need(i.task, 'task', i.kind);
    const d = need(i.decision, 'decision', i.kind);
    const what = d.subject === 'completion' ? '销号申请' : '延期申请';
    let result: string;
    let para: string;
    if (d.subject === 'completion') {
      result = d.approved ? '已通过' : '未通过';
      para = d.approved
        ? `贵单位${taskName(t)}的销号申请已经办公室审核通过，该任务已销号。`
        : `贵单位${taskName(t)}的销号申请未通过审核，请按审核意见继续办理后重新申请。`;
    } else if (d.approved) {
      const nd = need(d.newDueAt, 'decision.newDueAt', i.kind);
      result = `已批准，完成时限调整为${formatDay(nd, i.zone)}`;
      para = `贵单位${taskName(t)}的延期申请已获批准，完成时限调整为${formatDate(nd, i.zone)}。`;
    } else {
      result = '未获批准';
      para = `贵单位${taskName(t)}的延期申请未获批准，完成时限不变，请按原时限完成。`;
    }
    const newDue = d.subject === 'extension' && d.approved && d.newDueAt ? d.newDueAt : null;
    return {
      subject: `【审核结果】${taskName(t)}${what}${result}`,
      title: `${taskName(t)}${what}审核结果`,
      greeting: unitGreeting(i),
      paragraphs: [para, ...(i.reason ? [`审核意见：${i.reason}`] : [])],
      fields: taskFields(i, newDue ? { ...t, dueAt: newDue } : t),
      action: { label: '查看任务', href: linkOf(i) },
      ...(newDue ? { ics: deadlineIcs(i, { ...t, dueAt: newDue }, newDue) } : {}),
    };
  },
};
