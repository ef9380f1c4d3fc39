/**
 * Formatting helpers for notice messages: dates in an explicit zone, reporting periods, slip
 * colours, HTML escaping. Pure (luxon with explicit zones only).
 */
import { DateTime } from 'luxon';
import type { SlipColour } from '../model';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function parse(iso: string, zone: string): DateTime {
  const d = DateTime.fromISO(iso, { setZone: false }).setZone(zone);
  if (!d.isValid) throw new RangeError(`not an ISO instant: ${iso}`);
  return d;
}

/**
 * Memo for the date texts below: a batch of notices repeats the same few instants (the deadline,
 * the send moment) thousands of times, and zone conversion is the costliest step of rendering.
 * Bounded; the functions stay pure (same input, same output).
 */
const memo = new Map<string, string>();
function remember(key: string, make: () => string): string {
  let v = memo.get(key);
  if (v === undefined) {
    v = make();
    if (memo.size >= 2000) memo.clear();
    memo.set(key, v);
  }
  return v;
}

/**
 * An instant as a reader in `zone` says it: 2025年12月31日（星期三）, with the time added unless it is
 * the end of the day (deadlines are 23:59:59.999: "by 31 Dec" reads better than "31 Dec 23:59").
 */
export function formatDate(iso: string, zone: string): string {
  return remember(`D|${zone}|${iso}`, () => formatDateNow(iso, zone));
}

function formatDateNow(iso: string, zone: string): string {
  const d = parse(iso, zone);
  const day = `${d.year}年${d.month}月${d.day}日（星期${WEEKDAYS[d.weekday - 1]}）`;
  // a day's bounds exactly (a deadline 23:59:59.999, a date 00:00:00.000) read as the day; a real
  // event that happens in the first or last minute of a day keeps its time
  const endOfDay = d.hour === 23 && d.minute === 59 && d.second === 59 && d.millisecond === 999;
  const startOfDay = d.hour === 0 && d.minute === 0 && d.second === 0 && d.millisecond === 0;
  return endOfDay || startOfDay ? day : `${day} ${d.toFormat('HH:mm')}`;
}

/** The day of an instant in `zone` without weekday or time: 2025年12月31日 (for subjects and inside brackets). */
export function formatDay(iso: string, zone: string): string {
  return remember(`d|${zone}|${iso}`, () => {
    const d = parse(iso, zone);
    return `${d.year}年${d.month}月${d.day}日`;
  });
}

/** The calendar date of an instant in `zone`, as YYYY-MM-DD. */
export function localDate(iso: string, zone: string): string {
  return remember(`L|${zone}|${iso}`, () => parse(iso, zone).toISODate()!);
}

const QUARTERS = ['一', '二', '三', '四'];

/** 2025Q3 → 2025年第三季度; 2025M03 → 2025年3月; 2025Y → 2025年度; anything else is shown as written. */
export function formatPeriod(period: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(period);
  if (q) return `${q[1]}年第${QUARTERS[Number(q[2]) - 1]}季度`;
  const m = /^(\d{4})M(0[1-9]|1[0-2])$/.exec(period);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  const y = /^(\d{4})Y$/.exec(period);
  if (y) return `${y[1]}年度`;
  return period;
}

/** The slip colour's Chinese name (蓝色/橙色/红色). */
export function colourName(c: SlipColour): string {
  return c === 'BLUE' ? '蓝色' : c === 'ORANGE' ? '橙色' : '红色';
}

/** A swatch colour for the HTML body. */
export function colourHex(c: SlipColour): string {
  return c === 'BLUE' ? '#1f6feb' : c === 'ORANGE' ? '#e8730c' : '#cf222e';
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 3 → 三, 12 → 12 (ordinal words read naturally for small steps only). */
export function ordinalCn(n: number): string {
  return n >= 0 && n <= 10 ? CN_DIGITS[n]! : String(n);
}
