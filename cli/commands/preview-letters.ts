/**
 * `plan preview`: what its notices become as emails. A unit contact gets one 单位督办函 per moment
 * (domain/notices/letters.ts plannedEmails, the rule the mail pipeline applies, MAIL_LETTERS and
 * MAIL_LETTER_DEBOUNCE_MS from config); notices to the Office or leadership, and kinds not sent in
 * letters, go alone. Prints the letters in the JSON and, for a reader, the emails per unit and per day.
 */
import { DateTime } from 'luxon';
import { KIND_LABELS } from '../../domain/messages';
import { formatPeriod } from '../../domain/messages/format';
import { plannedEmails, type LetterSettings, type PlannedNotice, type RecipientRole } from '../../domain/notices';
import type { SlipColour } from '../../domain/model';

/** One item of a previewed letter: one row of the letter's table. */
export interface PreviewLetterItem {
  task: number;
  /** the notice kind the row comes from */
  kind: PlannedNotice['kind'];
  /** 任务交办, 报告提醒（2026年第四季度进展报告）, 逾期督办（已逾期331天）… as the letter's 事项 column says */
  what: string;
  /** the report or deadline it is about (ISO), the task's deadline for a 交办, null for a standing task */
  dueAt: string | null;
  slip: SlipColour | null;
}

/** One email to one unit contact, or to the Office or leadership (a summary letter): the letter of one moment. */
export interface PreviewLetter {
  /** when it goes: the moment of its items plus MAIL_LETTER_DEBOUNCE_MS */
  at: string;
  kind: 'unit_letter';
  /** the unit, or 办公室 / 领导小组 for a summary letter */
  unit: string;
  /** the contact it goes to (each has its own address in the directory): liaison, leader, office, leadership */
  to: RecipientRole;
  /** a summary letter (督办汇总) to the Office or the leadership, about many units' items */
  central: boolean;
  items: PreviewLetterItem[];
}

/** The emails of one local day. */
export interface PreviewEmailDay {
  date: string;
  emails: number;
  letters: number;
  /** notices sent alone (kinds not in letters, and the Office's and leadership's share with MAIL_OFFICE_LETTERS=off) */
  alone: number;
}

/** A unit contact that gets more than one email at one moment (a letter and notices that go alone). */
export interface PreviewCrowded {
  /** the notices' moment (ISO) */
  at: string;
  unit: string;
  to: RecipientRole;
  emails: number;
  /** the kinds of the notices that went alone to it then */
  aloneKinds: PlannedNotice['kind'][];
}

export interface PreviewEmails {
  /** MAIL_LETTERS (on: notices to a unit's contacts are grouped) and MAIL_LETTER_DEBOUNCE_MS */
  letterSettings: LetterSettings;
  /** every unit letter, by time, unit and contact; empty with MAIL_LETTERS=off */
  letters: PreviewLetter[];
  /** every email: the letters, plus one per notice that goes alone */
  emails: number;
  emailsByDay: PreviewEmailDay[];
  /** per unit: its letters, their items, and the notices its contacts get alone; the summary letters are not in it */
  emailsByUnit: { unit: string; letters: number; items: number; alone: number }[];
  /** every moment a unit contact gets more than one email, by time */
  crowded: PreviewCrowded[];
}

const SLIP_TAG: Record<SlipColour, string> = { BLUE: '蓝色督办', ORANGE: '橙色督办', RED: '红色督办' };

/** What the letter's row says is asked (domain/messages/letter.ts, from the notice's own subject tag). */
function whatOf(n: PlannedNotice): string {
  const report = n.period ? `${formatPeriod(n.period)}进展报告` : '';
  switch (n.kind) {
    case 'assignment':
      return '任务交办';
    case 'ack_reminder':
      return '签收提醒';
    case 'ack_escalation':
      return '签收催告';
    case 'report_reminder':
      return report ? `报告提醒（${report}）` : '报告提醒';
    case 'report_chase':
      return `催办（${report}${n.level && n.level > 1 ? `，第${n.level}次催办` : ''}）`;
    case 'deadline_reminder':
      return '到期提醒';
    case 'supervision':
      return n.slip ? SLIP_TAG[n.slip] : '督办';
    case 'decision':
      return '审核结果';
    default:
      return n.kind;
  }
}

/** The rows a notice puts in its letter: one, or one per overdue item of a catch-up notice. */
function itemsOf(n: PlannedNotice, taskDue: ReadonlyMap<number, string | null>): PreviewLetterItem[] {
  if (n.kind === 'catchup_unit')
    return (n.items ?? []).map((it) => ({
      task: it.task,
      kind: n.kind,
      what: `逾期督办（已逾期${it.overdueDays}天）`,
      dueAt: it.dueAt,
      slip: it.slip,
    }));
  return [{ task: n.task, kind: n.kind, what: whatOf(n), dueAt: n.dueAt ?? taskDue.get(n.task) ?? null, slip: n.slip }];
}

/**
 * The emails of a previewed timeline. `taskDue`: each task's deadline (ISO, null for standing
 * tasks); `toIso` writes an instant in the plan's zone.
 */
export function previewEmails(
  notices: readonly PlannedNotice[],
  o: {
    plan: string;
    settings: LetterSettings;
    taskDue: ReadonlyMap<number, string | null>;
    toIso: (ms: number) => string;
  },
): PreviewEmails {
  const e = plannedEmails(notices, o.plan, o.settings);
  const letters: PreviewLetter[] = e.letters.map((l) => ({
    at: o.toIso(l.at.getTime()),
    kind: 'unit_letter',
    unit: l.unit,
    to: l.email as RecipientRole,
    central: l.central,
    items: l.items.flatMap((n) => itemsOf(n, o.taskDue)).sort((a, b) => a.task - b.task),
  }));
  const days = new Map<string, PreviewEmailDay>();
  const day = (at: string) => {
    const date = at.slice(0, 10);
    const d = days.get(date) ?? { date, emails: 0, letters: 0, alone: 0 };
    days.set(date, d);
    d.emails += 1;
    return d;
  };
  for (const l of letters) day(l.at).letters += 1;
  for (const n of e.alone) day(n.at).alone += 1;
  // what each unit contact receives at each moment: its letter (its items' moment) and what goes alone to it
  const units = new Map<string, { unit: string; letters: number; items: number; alone: number }>();
  const unitRow = (u: string) => {
    const r = units.get(u) ?? { unit: u, letters: 0, items: 0, alone: 0 };
    units.set(u, r);
    return r;
  };
  const moments = new Map<string, Omit<PreviewCrowded, 'at'> & { ms: number; at: string }>();
  const receive = (unit: string, to: RecipientRole, at: string, kind: PlannedNotice['kind'] | null) => {
    const k = `${unit}|${to}|${Date.parse(at)}`;
    const m = moments.get(k) ?? { ms: Date.parse(at), at, unit, to, emails: 0, aloneKinds: [] };
    moments.set(k, m);
    m.emails += 1;
    if (kind && !m.aloneKinds.includes(kind)) m.aloneKinds.push(kind);
  };
  e.letters.forEach((l, i) => {
    if (l.central) return; // the Office's and leadership's summaries are counted apart (centralLines)
    const r = unitRow(l.unit);
    r.letters += 1;
    r.items += letters[i]!.items.length;
    receive(l.unit, l.email as RecipientRole, l.items[0]!.at, null);
  });
  for (const n of e.alone) {
    const contacts = n.unit ? n.to.filter((r) => r === 'liaison' || r === 'leader') : [];
    if (n.unit && contacts.length) unitRow(n.unit).alone += 1;
    for (const r of contacts) receive(n.unit!, r, n.at, n.kind);
  }
  return {
    letterSettings: { ...o.settings },
    letters,
    emails: letters.length + e.alone.length,
    emailsByDay: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
    emailsByUnit: [...units.values()].sort(
      (a, b) => b.letters - a.letters || b.items - a.items || a.unit.localeCompare(b.unit, 'zh-Hans-CN'),
    ),
    crowded: [...moments.values()]
      .filter((m) => m.emails > 1)
      .sort((a, b) => a.ms - b.ms || a.unit.localeCompare(b.unit, 'zh-Hans-CN') || a.to.localeCompare(b.to))
      .map(({ ms: _ms, ...m }) => ({ ...m, at: o.toIso(Date.parse(m.at)) })),
  };
}

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** Display width: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;

/**
 * The emails as a reader reads them: how many in all, a table of the letters each unit receives
 * (letters and their items, every contact counted), and the emails of the first `days` days that
 * have any.
 */
export function emailLines(p: PreviewEmails, days = 10): string[] {
  const alone = p.emails - p.letters.length;
  const central = p.letters.filter((l) => l.central).length;
  const centralText = p.letterSettings.central
    ? `，督办汇总 ${central} 封 (办公室、领导小组同一时刻的抄送合为一封)`
    : '';
  if (!p.letterSettings.enabled)
    return [`邮件: 共 ${p.emails} 封，每条通知单独发送 (MAIL_LETTERS=off，不合并为单位督办函)`, ...dayLines(p, days)];
  const w = Math.max(8, ...p.emailsByUnit.map((u) => width(u.unit)));
  const crowded = p.crowded.length
    ? [
        '',
        `注意: 有 ${new Set(p.crowded.map((c) => c.at)).size} 个时刻，单位联系人同一时刻收到不止一封邮件 (最多 ${Math.max(...p.crowded.map((c) => c.emails))} 封)：${[
          ...new Set(p.crowded.flatMap((c) => c.aloneKinds)),
        ]
          .map((k) => KIND_LABELS[k] ?? k)
          .join('、')}同时发给办公室或市领导，不入督办函，逐条单独发送`,
      ]
    : [];
  return [
    `邮件: 共 ${p.emails} 封；单位督办函 ${p.letters.length - central} 封 (同一单位的同一收件人同一时刻的通知合为一封)${centralText}，单独发送 ${alone} 封 (${p.letterSettings.central ? '' : '发给办公室、市领导的通知及'}不入督办函的通知)`,
    '',
    `各单位的邮件 (${p.emailsByUnit.length} 个单位；督办函按联络员、分管负责人各计一封；单独：不入督办函、单独发给本单位联系人的通知):`,
    `  ${padEnd('单位', w)}  ${padStart('督办函', 6)}  ${padStart('事项', 6)}  ${padStart('单独', 6)}`,
    ...p.emailsByUnit.map(
      (u) =>
        `  ${padEnd(u.unit, w)}  ${padStart(String(u.letters), 6)}  ${padStart(String(u.items), 6)}  ${padStart(String(u.alone), 6)}`,
    ),
    ...centralLines(p),
    ...crowded,
    ...dayLines(p, days),
  ];
}

/** The summary letters (督办汇总) to the Office and the leadership: how many, and how many items they carry. */
function centralLines(p: PreviewEmails): string[] {
  const central = p.letters.filter((l) => l.central);
  if (!central.length) return [];
  const byTo = ['office', 'leadership'].flatMap((to) => {
    const mine = central.filter((l) => l.to === to);
    const items = mine.reduce((s, l) => s + l.items.length, 0);
    return mine.length ? [`${mine[0]!.unit} ${mine.length} 封 (事项 ${items})`] : [];
  });
  return ['', `督办汇总 (抄送办公室、报领导小组的通知，同一时刻合为一封): ${byTo.join('；')}`];
}

function dayLines(p: PreviewEmails, days: number): string[] {
  const first = p.emailsByDay.slice(0, days);
  return [
    '',
    `前 ${first.length} 个有邮件的日子:`,
    ...first.map(
      (d) =>
        `  ${d.date} ${WEEKDAYS[DateTime.fromISO(d.date).weekday]}  ${padStart(String(d.emails), 4)} 封${
          p.letterSettings.enabled ? ` (督办函 ${d.letters}，单独 ${d.alone})` : ''
        }`,
    ),
  ];
}
