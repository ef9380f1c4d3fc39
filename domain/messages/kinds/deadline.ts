/** Deadlines: the reminder before a task falls due and the supervision notice (督办通知) with its slip. Pure. */
import { colourName, formatDate } from '../format';
import { calendarDaysBetween, linkOf, need, respondBy, unitGreeting, type Template } from './parts';
import { deadlineIcs, taskFields, taskName } from './task-parts';

/** The templates of deadline_reminder, supervision. */
export const DEADLINE_TEMPLATES: Record<'deadline_reminder' | 'supervision', Template> = {
  deadline_reminder: (i) => {
    const t = need(i.task, 'task', i.kind);
    const due = need(i.dueAt ?? t.dueAt, 'dueAt (deadline)', i.kind);
    const days = calendarDaysBetween(i.issuedAt, due, i.zone);
    const over = calendarDaysBetween(due, i.issuedAt, i.zone);
    // sent late (workers were down past the deadline): say so instead of "due today"
    const left = days > 0 ? `距到期还有${days}天` : over > 0 ? `已逾期${over}天` : '今天到期';
    return {
      subject: `【到期提醒】关于${taskName(t)}即将到期的提醒`,
      title: `关于${taskName(t)}即将到期的提醒`,
      greeting: unitGreeting(i),
      paragraphs: [
        `${taskName(t)}的完成时限为${formatDate(due, i.zone)}，${left}。请抓紧推进。`,
        '已完成的，请通过下方链接申请销号；确需延期的，请在到期前提出延期申请并说明理由。',
      ],
      fields: [...taskFields(i, t), ['剩余天数', `${days}天`]],
      ask: `请于${formatDate(due, i.zone)}前完成并申请销号。`,
      action: { label: '办理任务', href: linkOf(i) },
      ics: deadlineIcs(i, t, due),
    };
  },

  supervision: (i) => {
    const t = need(i.task, 'task', i.kind);
    const slip = need(i.slip, 'slip', i.kind);
    const due = i.dueAt ?? t.dueAt;
    const unit = i.unit ?? '贵单位';
    const colour = colourName(slip.colour);
    const days = due ? calendarDaysBetween(due, i.issuedAt, i.zone) : 0;
    const by = respondBy(i);
    const dueText = due ? formatDate(due, i.zone) : t.deadlinePhrase;
    const paragraphs =
      slip.colour === 'BLUE'
        ? [`${taskName(t)}将于${dueText}到期，目前尚无进展。现发出蓝色督办单（${slip.number}），请${unit}抓紧推进。`]
        : slip.colour === 'ORANGE'
          ? [
              `${taskName(t)}的完成时限为${dueText}，现已逾期${days}天，仍未完成。现发出橙色督办单（${slip.number}），请${unit}报送整改措施和预计完成时间。`,
            ]
          : [
              `${taskName(t)}已逾期${days}天，经督办仍未完成，已报市质量强市领导小组。现发出红色督办单（${slip.number}），请${unit}主要负责同志高度重视，书面说明情况。`,
              '逾期仍未整改的，将按规定进行约谈，并在年度考核中扣分。',
            ];
    const fields: [string, string][] = [
      ['督办单编号', slip.number],
      ['督办等级', `${colour}督办`],
      ...taskFields(i, t),
    ];
    if (slip.colour !== 'BLUE') fields.push(['逾期天数', `${days}天`]);
    return {
      subject: `【${colour}督办】${slip.number} 关于${taskName(t)}的督办通知`,
      title: `督办通知（${colour}督办单 ${slip.number}）`,
      greeting: unitGreeting(i),
      paragraphs,
      fields,
      ask: by ? `请于${by}前通过下方链接报送办理情况。` : '请尽快通过下方链接报送办理情况。',
      action: { label: '报送办理情况', href: linkOf(i) },
      slip,
    };
  },
};
