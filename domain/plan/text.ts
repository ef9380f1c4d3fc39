/**
 * Small text helpers for reading published plans: lines with their file line numbers, table cells,
 * digit and numeral folding, bracket-aware splitting. Pure. Nothing here changes stored text: the
 * folded forms are for recognising structure only.
 */

/** One table cell of the source (a line, or one tab-separated part of it) with its 1-based line. */
export interface Cell {
  text: string;
  line: number;
}

/**
 * Splits text into lines the way the file counts them: CRLF, CR and LF each end one line, so line
 * numbers match what an editor shows for the original file whatever its line endings.
 */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * The non-blank cells of `lines[from..to)`, trimmed (String#trim also removes U+3000 and a BOM).
 * A line pasted from a table may carry several cells separated by tabs; each becomes its own cell
 * on the same line.
 */
export function cellsOf(lines: readonly string[], from: number, to: number): Cell[] {
  const out: Cell[] = [];
  for (let i = from; i < to; i++) {
    const raw = lines[i]!;
    if (raw.indexOf('\t') < 0) {
      const t = raw.trim();
      if (t) out.push({ text: t, line: i + 1 });
      continue;
    }
    for (const part of raw.split('\t')) {
      const t = part.trim();
      if (t) out.push({ text: t, line: i + 1 });
    }
  }
  return out;
}

/** Folds full-width digits (０-９) to ASCII, for reading numbers only. */
export function foldDigits(s: string): string {
  return s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

const DIGIT: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一…九十九 → 1…99; null for anything else (零, 百, malformed). */
export function chineseNumeral(s: string): number | null {
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || !s) return null;
  const [, a, ten, b] = m;
  if (!ten) return a && !b ? DIGIT[a]! : null;
  return (a ? DIGIT[a]! : 1) * 10 + (b ? DIGIT[b]! : 0);
}

/** 1…99 → 一…九十九, for messages. */
export function toChineseNumeral(n: number): string {
  const d = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  if (n < 10) return d[n]!;
  return (n >= 20 ? d[Math.floor(n / 10)]! : '') + '十' + d[n % 10]!;
}

const OPEN = new Set(['(', '（', '[', '［', '【', '〔', '《']);
const CLOSE = new Set([')', '）', ']', '］', '】', '〕', '》']);

/** Whether `ch` opens a bracket that protects separators inside it. */
export const isOpenBracket = (ch: string): boolean => OPEN.has(ch);
/** Whether `ch` closes a bracket. Any closer closes any opener: published text mixes (区）. */
export const isCloseBracket = (ch: string): boolean => CLOSE.has(ch);

/**
 * Splits on any character of `seps` that stands outside brackets. Returns the raw parts (not
 * trimmed) and whether the brackets balanced. Linear in the input.
 */
export function splitOutsideBrackets(s: string, seps: string): { parts: string[]; balanced: boolean } {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let balanced = true;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (OPEN.has(ch)) depth++;
    else if (CLOSE.has(ch)) {
      if (depth === 0) balanced = false;
      else depth--;
    } else if (depth === 0 && seps.includes(ch)) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return { parts, balanced: balanced && depth === 0 };
}

/** Shortens a cell for a message. */
export function quote(s: string, max = 30): string {
  return `「${s.length > max ? s.slice(0, max) + '…' : s}」`;
}
