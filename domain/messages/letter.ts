/**
 * The unit letter (单位督办函): one email to one address of a unit carrying every item of one
 * moment (domain/notices/letters.ts says which items). Each item is a notice the templates already
 * know; here it becomes one row (or, for a catch-up notice, one row per overdue item) of one table:
 * task, what is asked, the task's text, the unit's role, the time limit and the 督办单. The letter
 * carries one link, to the unit's workspace (本单位督办事项), and one calendar file with every due
 * date it mentions. The XLSX 分工表 is written by the caller (app/notices/letter-file.ts) from the
 * same rows. Pure.
 */
import { colourName, formatDate, formatPeriod, localDate } from './format';
import type { NoticeDoc, NoticeMessageInput } from './input';
import type { IcsEvent } from './ics';
import { noticeDoc } from './templates';
import { deadlineText, reportingText, taskName } from './kinds/task-parts';

/** How a letter names the unit's role in a task. */
export const LETTER_ROLE_TEXT = { LEAD: '牵头', CO: '配合', IMPLICIT: '属地落实' } as const;

/** One row of a letter: one thing the unit is asked about one task. */
export interface LetterRow {
  /** the notice kind the row comes from */
  kind: string;
  /** 任务交办, 报告提醒（2026年第四季度进展报告）, 逾期督办（逾期12天）… */
  what: string;
  task: number;
  text: string;
  /** 牵头 / 配合 / 属地落实, or '' when the notice does not say */
  role: string;
  /** the time limit as a reader reads it, or '' */
  due: string;
  /** 督〔2026〕0001号（蓝色）, or '' */
  slip: string;
  /** how the task reports (每季度结束后10日内报送进展…), on the rows that give it (任务交办); '' otherwise */
  reports: string;
  /** the row's own link (the per-assignment form), used when the letter has no workspace link */
  link: string | null;
}

/** The order of rows of one task: what it was given first, then what is asked of it now. */
const KIND_ORDER = [
  'assignment',
  'ack_reminder',
  'ack_escalation',
  'report_reminder',
  'report_chase',
  'deadline_reminder',
  'supervision',
  'catchup_unit',
  'decision',
];

const tagOf = (subject: string): string => /^【([^】]+)】/.exec(subject)?.[1] ?? subject;

function slipText(s: { number: string; colour: 'BLUE' | 'ORANGE' | 'RED' } | null | undefined): string {
  return s ? `${s.number}（${colourName(s.colour)}）` : '';
}

/** What the row says is asked: the notice's own tag, with the period or decision it is about. */
function whatOf(e: NoticeMessageInput, doc: NoticeDoc): string {
  const tag = tagOf(doc.subject);
  if (e.kind === 'assignment') return e.reissued ? '任务交办（重新发送）' : '任务交办';
  if ((e.kind === 'report_reminder' || e.kind === 'report_chase') && e.period) {
    const level = e.kind === 'report_chase' && e.level && e.level > 1 ? `，第${e.level}次催办` : '';
    return `${tag}（${formatPeriod(e.period)}进展报告${level}）`;
  }
  if (e.kind === 'decision' && e.task) {
    return `${tag}：${doc.subject.replace(/^【[^】]+】/, '').replace(taskName(e.task), '')}`;
  }
  return tag;
}

function dueOf(e: NoticeMessageInput): string {
  const t = e.task;
  if (!t) return '';
  switch (e.kind) {
    case 'report_reminder':
    case 'report_chase':
      return e.dueAt ? `${formatDate(e.dueAt, e.zone)}前报送` : '';
    case 'ack_reminder':
    case 'ack_escalation':
      return e.respondBy ? `${formatDate(e.respondBy, e.zone)}前签收` : '';
    case 'decision':
      return '';
    default:
      return deadlineText(t, e.zone);
  }
}

/** The rows one notice contributes to its unit's letter. */
export function letterRowsOf(e: NoticeMessageInput): LetterRow[] {
  if (e.kind === 'catchup_unit') {
    return (e.items ?? []).map((it) => ({
      kind: e.kind,
      what: it.overdueDays !== undefined ? `逾期督办（已逾期${it.overdueDays}天）` : '逾期督办',
      task: it.task,
      text: it.text ?? '',
      role: '',
      due: it.dueAt ? `${formatDate(it.dueAt, e.zone)}（已逾期）` : '长期',
      slip: it.slipNumber
        ? `${it.slipNumber}${it.slip && /^(BLUE|ORANGE|RED)$/.test(it.slip) ? `（${colourName(it.slip as 'RED')}）` : ''}`
        : '',
      reports: '',
      link: it.link ?? null,
    }));
  }
  const doc = noticeDoc(e);
  const t = e.task;
  return [
    {
      kind: e.kind,
      what: whatOf(e, doc),
      task: t?.number ?? 0,
      text: t?.text ?? '',
      role: t?.role ? LETTER_ROLE_TEXT[t.role] : '',
      due: dueOf(e),
      slip: slipText(e.slip),
      reports: e.kind === 'assignment' && t ? reportingText(t) : '',
      link: e.link ?? null,
    },
  ];
}

/** Every row of a letter, by task number and then by what is asked. */
const kindOrder = (k: string): number => KIND_ORDER.indexOf(k) + 1 || KIND_ORDER.length + 1;

export function letterRows(entries: readonly NoticeMessageInput[]): LetterRow[] {
  return entries.flatMap(letterRowsOf).sort((a, b) => a.task - b.task || kindOrder(a.kind) - kindOrder(b.kind));
}

/**
 * The calendar events of a letter: every due date its notices carry, once each, and for the tasks it
 * gives (任务交办) the next reports due, one event per report (its period and due day) naming how many
 * of the unit's tasks report then.
 */
export function letterEvents(entries: readonly NoticeMessageInput[], unit = ''): IcsEvent[] {
  const own = entries.flatMap((e) => {
    if (e.kind === 'catchup_unit') return [];
    const ics = noticeDoc(e).ics;
    return ics ? [ics.event] : [];
  });
  const reports = new Map<string, { period: string; dueAt: string; tasks: number[]; e: NoticeMessageInput }>();
  for (const e of entries) {
    if (e.kind !== 'assignment' || !e.task?.reporting) continue;
    for (const r of e.task.reporting.next) {
      const k = `${r.period}|${r.dueAt}`;
      const g = reports.get(k) ?? { ...r, tasks: [], e };
      g.tasks.push(e.task.number);
      reports.set(k, g);
    }
  }
  const due = [...reports.values()].map((g) => ({
    uid: `report-${g.period}-${encodeURIComponent(unit || (g.e.unit ?? ''))}@dubang`,
    date: localDate(g.dueAt, g.e.zone),
    summary: `报送${formatPeriod(g.period)}${/Y$/.test(g.period) ? '工作总结' : '进展报告'}（${g.tasks.length}项任务）`,
    description: `${unit || g.e.unit || ''}应报送的任务：${g.tasks
      .sort((a, b) => a - b)
      .map((n) => `(${n})`)
      .join('、')}\n报送截止：${formatDate(g.dueAt, g.e.zone)}`,
    issuedAt: g.e.issuedAt,
    url: g.e.link ?? null,
  }));
  return [...own, ...due];
}

/** What a letter is made from. */
export interface UnitLetterInput {
  key: string;
  zone: string;
  issuedAt: string;
  sender: string;
  /** the unit's name (市市场监管局) */
  unit: string;
  /** the signed link to the unit's workspace (本单位督办事项); null: each row links its own form */
  link: string | null;
  /** the notices the letter carries */
  entries: NoticeMessageInput[];
  /** the attached list's file name (the XLSX 分工表), when the caller attaches one */
  listFile?: string | null;
  /** beyond this many rows the body lists the rows without the task texts (default 40) */
  compactAbove?: number;
  /** an Office resend of a letter that went before */
  resent?: boolean;
}

/** 任务交办41项、报告提醒3项: the letter's rows counted by what is asked, in the rows' order. */
export function letterSummary(rows: readonly LetterRow[]): string {
  const count = new Map<string, { n: number; order: number }>();
  for (const r of rows) {
    const tag = r.what.replace(/[（：].*$/, '');
    const c = count.get(tag) ?? { n: 0, order: kindOrder(r.kind) };
    count.set(tag, { n: c.n + 1, order: Math.min(c.order, kindOrder(r.kind)) });
  }
  // what is given first (任务交办), then what is asked, as the table reads
  return [...count]
    .sort((a, b) => a[1].order - b[1].order)
    .map(([tag, c]) => `${tag}${c.n}项`)
    .join('、');
}

/** The letter as a document the renderer turns into text and HTML (render.ts renderUnitLetter). */
export function unitLetterDoc(l: UnitLetterInput): NoticeDoc {
  const rows = letterRows(l.entries);
  const compact = rows.length > (l.compactAbove ?? 40);
  const given = rows.filter((r) => r.kind === 'assignment');
  const other = rows.length - given.length;
  const plan = l.entries.find((e) => e.task?.planTitle)?.task?.planTitle;
  const paragraphs: string[] = [];
  if (l.resent) paragraphs.push('应贵单位或办公室要求，重发此前的督办函如下；所列事项为当前仍需办理的事项。');
  const overdueRows = rows.filter((r) => r.kind === 'catchup_unit');
  // a first letter (交办) that also lists the tasks already past their time limit as 逾期督办 (the
  // catch-up): one count of every task the unit is given, then what is late among them
  const firstLetter = given.length > 0 && overdueRows.length > 0;
  if (given.length) {
    const roles = (['牵头', '配合', '属地落实'] as const)
      .map((r) => [r, given.filter((x) => x.role === r).length] as const)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${r}${n}项`);
    const basis = plan ? `根据《${plan}》重点工作任务分工，` : '';
    const roleText = roles.length ? `（${roles.join('、')}）` : '';
    paragraphs.push(
      firstLetter
        ? `${basis}涉及贵单位的任务共${new Set(rows.map((r) => r.task)).size}项：其中${given.length}项交办如下${roleText}，请认真组织落实；${overdueRows.length}项已超过完成时限，列为逾期督办，请抓紧办理并报送进展。`
        : `${basis}现将涉及贵单位的${given.length}项任务交办如下${roleText}，请认真组织落实。`,
    );
  }
  const rest = firstLetter ? other - overdueRows.length : other;
  if (rest > 0)
    paragraphs.push(`${given.length ? '同时，' : '现将'}贵单位当前需要办理的${rest}项督办事项函告如下，请逐项办理。`);
  if (compact && l.listFile) {
    paragraphs.push(`事项较多，下表列出清单概要；各项任务内容、时限和报送要求详见附件《${l.listFile}》。`);
  } else if (l.listFile) {
    paragraphs.push(`任务分工表见附件《${l.listFile}》。`);
  }
  // the reporting calendar of the tasks it gives (任务交办): its own column while the body lists them in full
  const withReports = !compact && given.length > 0;
  const columns = compact
    ? ['任务', '事项', '时限', '督办单']
    : ['任务', '事项', '任务内容', '本单位角色', '时限', ...(withReports ? ['进展报送'] : []), '督办单'];
  const cells = rows.map((r) =>
    compact
      ? [`(${r.task})`, r.what, r.due, r.slip]
      : [`(${r.task})`, r.what, r.text, r.role, r.due, ...(withReports ? [r.reports] : []), r.slip],
  );
  const rowLinks = !l.link && rows.some((r) => r.link) ? { links: rows.map((r) => r.link), linkLabel: '办理' } : {};
  const unsigned = l.entries.some((e) => e.kind === 'assignment' && !e.acknowledgedAt);
  return {
    subject: `【督办函${l.resent ? '·重发' : ''}】${l.unit}：${letterSummary(rows)}`,
    title: `关于${l.unit}督办事项的通知`,
    greeting: `${l.unit}：`,
    paragraphs,
    fields: [],
    items: { columns, rows: cells, ...rowLinks },
    ask: l.link
      ? [
          unsigned
            ? '请通过下方链接进入「本单位督办事项」，勾选后一次签收全部任务；'
            : '请通过下方链接进入「本单位督办事项」办理；',
          '进展报告可在同一页面按期一次报送，延期或销号申请可逐项提出。',
        ].join('')
      : '请点击表中各项的「办理」链接，逐项签收、报送进展或提出申请。',
    ...(l.link ? { action: { label: '进入本单位督办事项', href: l.link } } : {}),
  };
}
