/** Alerts to the Office: a notice that could not be delivered. Pure. */
import { KIND_LABELS } from '../input';
import { need, OFFICE_GREETING, type Template } from './parts';
import { taskName } from './task-parts';

/** The templates of delivery_failure. */
export const ALERT_TEMPLATES: Record<'delivery_failure', Template> = {
  delivery_failure: (i) => {
    const f = need(i.failure, 'failure', i.kind);
    const to = f.recipients.join('、') || '（无有效地址）';
    // a group robot's message (im_message) is not an email: say what it is and what to check
    const im = f.kind === 'im_message';
    const how = f.status === 'DEAD' ? `经${f.attempts}次尝试仍未送达` : im ? '被群机器人服务拒收' : '被邮件服务器拒收';
    return {
      subject: `【投递失败】${KIND_LABELS[f.kind]}未能送达${f.recipients[0] ?? ''}`,
      title: im ? '群机器人消息投递失败提醒' : '督办邮件投递失败提醒',
      greeting: OFFICE_GREETING,
      paragraphs: [
        `${im ? '一条' : '一封'}${KIND_LABELS[f.kind]}${f.subject ? `（${f.subject}）` : ''}${how}。`,
        f.status === 'DEAD' ? '系统已停止自动重试。' : im ? '该消息不会自动重发。' : '该邮件不会自动重发。',
        im
          ? '请核实该群机器人的地址和加签密钥并在单位的群机器人设置中更正；正式督办函已通过邮件发出。'
          : '请核实收件地址并在单位名录中更正，必要时通过电话等方式通知对方。',
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
