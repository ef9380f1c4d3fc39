/**
 * Catch-up letters: a unit's overdue items in one letter, and the Office's summary of them all,
 * with the 督办单 they cite. Pure.
 */
import { formatDate, formatDay } from '../format';
import type { MessageItem, NoticeDoc, NoticeMessageInput } from '../input';
import { linkOf, OFFICE_GREETING, respondBy, unitGreeting, type Template } from './parts';

const SLIP_WORDS: Record<string, string> = { BLUE: '蓝色', ORANGE: '橙色', RED: '红色' };

/** An item's 督办单 cell: 督〔2026〕0001号（红色）, or the colour alone when no slip was issued for it. */
function itemSlip(it: MessageItem): string {
  const colour = it.slip ? (SLIP_WORDS[it.slip] ?? null) : null;
  if (it.slipNumber) return colour ? `${it.slipNumber}（${colour}）` : it.slipNumber;
  return it.slip ? (colour ?? it.slip) : '';
}

function itemRows(i: NoticeMessageInput, withUnit: boolean, linkLabel?: string): NonNullable<NoticeDoc['items']> {
  const items = i.items ?? [];
  const columns = ['任务', ...(withUnit ? ['责任单位'] : []), '任务内容', '完成时限', '逾期天数', '督办单'];
  const links =
    linkLabel && items.some((it) => it.link) ? { links: items.map((it) => it.link ?? null), linkLabel } : {};
  return { columns, rows: itemCells(i, items, withUnit), ...links };
}

function itemCells(i: NoticeMessageInput, items: MessageItem[], withUnit: boolean): string[][] {
  return items.map((it) => [
    `(${it.task})`,
    ...(withUnit ? [it.unit ?? ''] : []),
    it.text ?? '',
    it.dueAt ? formatDate(it.dueAt, i.zone) : '长期',
    it.overdueDays !== undefined ? `${it.overdueDays}天` : '',
    itemSlip(it),
  ]);
}

/**
 * The 督办单 a catch-up notice's items cite: their numbers in order, and how a sentence names them
 * (红色督办单5份, or 督办单3份（红色1份、橙色2份）when the colours differ).
 */
function citedSlips(items: MessageItem[]): { numbers: string[]; phrase: string } {
  const numbers: string[] = [];
  const count = new Map<string, number>();
  for (const it of items) {
    if (!it.slipNumber || numbers.includes(it.slipNumber)) continue;
    numbers.push(it.slipNumber);
    const c = it.slip && SLIP_WORDS[it.slip] ? it.slip : '';
    count.set(c, (count.get(c) ?? 0) + 1);
  }
  const k = numbers.length;
  const colours = ['RED', 'ORANGE', 'BLUE'].filter((c) => count.has(c));
  const phrase =
    colours.length === 1 && count.get(colours[0]!) === k
      ? `${SLIP_WORDS[colours[0]!]}督办单${k}份`
      : `督办单${k}份${colours.length ? `（${colours.map((c) => `${SLIP_WORDS[c]}${count.get(c)}份`).join('、')}）` : ''}`;
  return { numbers, phrase };
}

/**
 * Slip numbers as a reader would cite them: one number as it is; numbers of one year that follow
 * one another as a range (督〔2026〕0001号至督〔2026〕0045号); otherwise listed with 、, or null when
 * more than `max` would have to be listed (the table names each one).
 */
export function slipNumbersText(numbers: string[], max = 10): string | null {
  if (numbers.length <= 1) return numbers[0] ?? null;
  const parsed = numbers
    .map((n) => /^督〔(\d{4})〕(\d+)号$/.exec(n))
    .map((m) => (m ? { year: Number(m[1]), seq: Number(m[2]) } : null));
  if (parsed.every((p) => p !== null)) {
    const ps = parsed.map((p, k) => ({ ...p!, text: numbers[k]! })).sort((a, b) => a.year - b.year || a.seq - b.seq);
    if (ps.every((p, k) => k === 0 || (p.year === ps[0]!.year && p.seq === ps[k - 1]!.seq + 1)))
      return `${ps[0]!.text}至${ps[ps.length - 1]!.text}`;
  }
  return numbers.length <= max ? numbers.join('、') : null;
}

/** The templates of catchup_unit, catchup_summary. */
export const CATCHUP_TEMPLATES: Record<'catchup_unit' | 'catchup_summary', Template> = {
  catchup_unit: (i) => {
    const items = i.items ?? [];
    const n = items.length;
    const by = respondBy(i);
    const { numbers, phrase } = citedSlips(items);
    const k = numbers.length;
    const cited = slipNumbersText(numbers);
    const one = k === 1 ? items.find((it) => it.slipNumber === numbers[0]) : undefined;
    const oneColour = one?.slip ? (SLIP_WORDS[one.slip] ?? '') : '';
    // every item overdue with a slip: "上述"; some missing reports among them: "其中…"
    const slipText =
      k === 0
        ? ''
        : k === 1
          ? `${n === 1 ? '现' : '对其中已超过完成时限的任务，现'}发出${oneColour}督办单（${numbers[0]}）。`
          : `${k === n ? `现对上述${k}项任务一并` : `对其中已超过完成时限的${k}项任务，现一并`}发出${phrase}，编号见下表。`;
    const red = items.some((it) => it.slipNumber && it.slip === 'RED');
    // every item carries its own form link (the unit acts item by item); a letter composed without
    // them (no link signer) keeps the one link it was given
    const table = itemRows(i, false, '办理链接');
    const perItem = (table.links ?? []).some(Boolean);
    return {
      subject: `【逾期汇总】${i.unit ?? '贵单位'}共有${n}项督办事项已逾期${k ? `，已发出督办单${k}份` : ''}`,
      title: '逾期督办事项汇总通知',
      greeting: unitGreeting(i),
      paragraphs: [
        `截至${formatDay(i.issuedAt, i.zone)}，贵单位负责的以下${n}项督办事项已超过完成时限或有进展报告未报送。${slipText}`,
        ...(red
          ? [
              '红色督办单所列事项逾期已久，请主要负责同志高度重视，书面说明情况；逾期仍未整改的，将按规定进行约谈，并在年度考核中扣分。',
            ]
          : []),
        perItem
          ? '请逐项核实，通过每项任务后的办理链接办理：已完成的请申请销号，未完成的请报送进展情况和预计完成时间。'
          : '请逐项核实：已完成的请申请销号，未完成的请报送进展情况和预计完成时间。',
      ],
      fields: cited ? [['督办单编号', cited]] : [],
      items: table,
      ask: by ? `请于${by}前逐项报送。` : '请尽快逐项报送。',
      ...(perItem ? {} : { action: { label: '逐项办理', href: linkOf(i) } }),
    };
  },

  catchup_summary: (i) => {
    const items = i.items ?? [];
    const units = new Set(items.map((it) => it.unit).filter(Boolean)).size;
    const { numbers, phrase } = citedSlips(items);
    const k = numbers.length;
    const cited = slipNumbersText(numbers);
    const slipText = k
      ? `，并对${k === items.length ? `上述${k}项` : `其中已超过完成时限的${k}项`}发出${phrase}${cited ? `，编号${cited}` : ''}；`
      : '，';
    return {
      subject: `【督办汇总】逾期事项${items.length}项，涉及${units}个单位${k ? `，已发出督办单${k}份` : ''}`,
      title: '逾期督办事项汇总',
      greeting: OFFICE_GREETING,
      paragraphs: [
        `截至${formatDay(i.issuedAt, i.zone)}，共有${items.length}项督办事项已逾期，涉及${units}个单位。已分别向各责任单位发出逾期汇总通知${slipText}不再逐项补发历史提醒。明细如下。`,
      ],
      fields: [],
      items: itemRows(i, true, '查看分工'),
      action: { label: '打开督办看板', href: linkOf(i) },
    };
  },
};
