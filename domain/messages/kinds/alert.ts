/** Alerts to the Office: a notice that could not be delivered. Pure. */
import { KIND_LABELS } from '../input';
import { need, OFFICE_GREETING, type Template } from './parts';
import { taskName } from './task-parts';

/** The templates of delivery_failure. */
export const ALERT_TEMPLATES: Record<'delivery_failure', Template> = {
  delivery_failure: (i) => {
    const f = need(i.failure, 'failure', i.kind);
    const to = f.recipients.join('、') || '（无有效地址）';
    const how = f.status === 'DEAD' ? `经${f.attempts}次尝试仍未送达` : '被邮件服务器拒收';
    return {
      subject: `【投递失败】${KIND_LABELS[f.kind]}未能送达${f.recipients[0] ?? ''}`,
      title: '督办邮件投递失败提醒',
      greeting: OFFICE_GREETING,
      paragraphs: [
        `一封${KIND_LABELS[f.kind]}${f.subject ? `（${f.subject}）` : ''}${how}。`,
        f.status === 'DEAD' ? '系统已停止自动重试。' : '该邮件不会自动重发。',
        '请核实收件地址并在单位名录中更正，必要时通过电话等方式通知对方。',
      ],
      fields: [
        ['收件人', to],
        ['服务器答复', f.error],
        ['尝试次数', String(f.attempts)],
        ['通知编号', f.key],
        ...(i.unit ? ([['责任单位', i.unit]] as [string, string][]) : []),
        ...(i.task ? ([['任务', `${taskName(i.task)} ${i.task.text}`]] as [string, string][]) : []),
      ],
    };
  },
};
