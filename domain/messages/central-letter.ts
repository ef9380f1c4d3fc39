/**
 * The summary letter (督办汇总函) to the Office or the leadership: one email per address and moment
 * carrying their share of that moment's notices to the units (the 催办 copies, the 督办 after the
 * leadership step), instead of one email per notice. Each item is a row of the unit letter's table
 * (letter.ts letterRowsOf) with the unit it concerns, linked to the task's page on the dashboard;
 * beyond `compactAbove` rows the body counts the items per unit and the attached list (written by
 * the caller, app/notices/letter-file.ts) holds every row. Pure.
 */
import type { NoticeDoc, NoticeMessageInput } from './input';
import { formatDate } from './format';
import { letterRowsOf, letterSummary, type LetterRow } from './letter';

/** One row of a summary letter: a unit letter's row, with the unit it concerns. */
export interface CentralLetterRow extends LetterRow {
  unit: string;
}

/** What a summary letter is made from. */
export interface CentralLetterInput {
  key: string;
  zone: string;
  issuedAt: string;
  sender: string;
  /** whom it goes to: the Office's or the leadership's name in the directory */
  recipient: string;
  /** the leadership (报领导小组阅知) rather than the Office */
  leadership: boolean;
  /** the moment its items fell due (ISO) */
  moment: string;
  /** the dashboard's overview, the letter's one action; null when no PUBLIC_URL is known */
  dashboard: string | null;
  entries: NoticeMessageInput[];
  /** the attached list's file name, when the caller attaches one */
  listFile?: string | null;
  /** beyond this many rows the body counts items per unit (default 40) */
  compactAbove?: number;
  /** an Office resend of a letter that went before */
  resent?: boolean;
}

const byUnit = (a: string, b: string): number => a.localeCompare(b, 'zh-Hans-CN');

/** Every row of a summary letter: by unit, then as a unit letter orders them (task, then what is asked). */
export function centralLetterRows(entries: readonly NoticeMessageInput[]): CentralLetterRow[] {
  const rows = entries.flatMap((e) => letterRowsOf(e).map((r) => ({ ...r, unit: e.unit ?? '' })));
  return rows.sort((a, b) => byUnit(a.unit, b.unit) || a.task - b.task || a.what.localeCompare(b.what, 'zh-Hans-CN'));
}

/** 红色3张、橙色1张: the 督办单 a set of rows cites, by colour. */
function slipCount(rows: readonly LetterRow[]): string {
  const colours = ['红色', '橙色', '蓝色'] as const;
  const seen = new Set<string>();
  const n = new Map<string, number>();
  for (const r of rows) {
    const c = colours.find((x) => r.slip.includes(`（${x}）`));
    if (!c || seen.has(r.slip)) continue;
    seen.add(r.slip);
    n.set(c, (n.get(c) ?? 0) + 1);
  }
  return colours
    .filter((c) => n.has(c))
    .map((c) => `${c}${n.get(c)}张`)
    .join('、');
}

/** The letter as a document the renderer turns into text and HTML (render.ts renderCentralLetter). */
export function centralLetterDoc(l: CentralLetterInput): NoticeDoc {
  const rows = centralLetterRows(l.entries);
  const units = [...new Set(rows.map((r) => r.unit))];
  const compact = rows.length > (l.compactAbove ?? 40);
  const plan = l.entries.find((e) => e.task?.planTitle)?.task?.planTitle;
  const when = formatDate(l.moment, l.zone);
  const paragraphs: string[] = [];
  if (l.resent) paragraphs.push('应要求重发此前的督办汇总如下；所列事项为当前仍需办理的事项。');
  paragraphs.push(
    `${when}，${plan ? `《${plan}》` : ''}督办事项共${rows.length}项，涉及${units.length}个单位，` +
      `已分别以单位督办函送达各单位；按督办程序${l.leadership ? '报领导小组阅知' : '抄送办公室'}，汇总如下。`,
  );
  if (compact && l.listFile) paragraphs.push(`事项较多，下表按单位汇总；逐项清单见附件《${l.listFile}》。`);
  else if (l.listFile) paragraphs.push(`逐项清单见附件《${l.listFile}》。`);
  const items = compact
    ? {
        columns: ['责任单位', '事项', '督办单'],
        rows: units.map((u) => {
          const mine = rows.filter((r) => r.unit === u);
          return [u, letterSummary(mine), slipCount(mine)];
        }),
      }
    : {
        columns: ['责任单位', '任务', '事项', '时限', '督办单'],
        rows: rows.map((r) => [r.unit, `(${r.task})`, r.what, r.due, r.slip]),
        ...(rows.some((r) => r.link) ? { links: rows.map((r) => r.link), linkLabel: '查看' } : {}),
      };
  const slips = slipCount(rows);
  return {
    subject: `【督办汇总${l.resent ? '·重发' : ''}】${letterSummary(rows)}，涉及${units.length}个单位`,
    title: `督办事项汇总（${when}）`,
    greeting: `${l.recipient}：`,
    paragraphs,
    fields: slips ? [['本轮涉及督办单', slips]] : [],
    items,
    ask: l.leadership
      ? '各单位办理情况可在督办工作台查阅。'
      : '各单位签收和办理情况可在督办工作台逐项查看；逾期未办的，将按督办程序继续催办。',
    ...(l.dashboard ? { action: { label: '打开督办工作台', href: l.dashboard } } : {}),
  };
}
