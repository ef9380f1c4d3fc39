/**
 * Validation of what a unit submits through its form (or the JSON twin of it). Hostile input is
 * refused here with a message naming the field: control characters (NUL breaks PostgreSQL text),
 * oversized fields, non-http(s) evidence links (javascript: and data: URLs), malformed numbers.
 * HTML in free text is allowed and stored as typed: it is inert data, escaped wherever shown.
 */
import { DateTime } from 'luxon';

export class UnitInputError extends Error {
  override name = 'UnitInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const LIMITS = { text: 10_000, reason: 2_000, links: 10, linkLength: 500, indicators: 50 };

// Tabs and newlines are fine in free text; every other C0/C1 control character is refused.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

function text(v: unknown, field: string, label: string, max: number, required: boolean): string {
  if (v === undefined || v === null) v = '';
  if (typeof v !== 'string') throw new UnitInputError(field, `${label}应为文本`);
  const s = v.replace(/\r\n/g, '\n').trim();
  if (required && !s) throw new UnitInputError(field, `${label}不能为空`);
  if (s.length > max) throw new UnitInputError(field, `${label}最多 ${max} 个字符（现有 ${s.length} 个）`);
  if (CONTROL.test(s)) throw new UnitInputError(field, `${label}含有不允许的控制字符`);
  return s;
}

export interface ReportInput {
  period: string;
  text: string;
  percent: number | null;
  evidenceLinks: string[];
  indicatorValues: { code: string; value: number }[];
}

function evidence(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/\r?\n/) : v === undefined || v === null ? [] : null;
  if (!list) throw new UnitInputError('evidenceLinks', '佐证材料链接应为每行一个网址');
  const links = list.map((x) => (typeof x === 'string' ? x.trim() : '')).filter((x) => x.length > 0);
  if (links.length > LIMITS.links) throw new UnitInputError('evidenceLinks', `佐证材料链接最多 ${LIMITS.links} 个`);
  return links.map((l, i) => {
    if (l.length > LIMITS.linkLength || CONTROL.test(l)) throw new UnitInputError('evidenceLinks', `第 ${i + 1} 个佐证材料链接过长或含控制字符`);
    let u: URL;
    try {
      u = new URL(l);
    } catch {
      throw new UnitInputError('evidenceLinks', `第 ${i + 1} 个佐证材料链接「${l}」不是有效网址（应以 http:// 或 https:// 开头）`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UnitInputError('evidenceLinks', `第 ${i + 1} 个佐证材料链接只能是 http:// 或 https:// 网址`);
    return u.toString();
  });
}

function indicatorValues(body: Record<string, unknown>): { code: string; value: number }[] {
  const pairs: [string, unknown][] = [];
  const iv = body.indicatorValues;
  if (Array.isArray(iv)) for (const x of iv) pairs.push([String((x as { code?: unknown })?.code ?? ''), (x as { value?: unknown })?.value]);
  else if (iv && typeof iv === 'object') pairs.push(...Object.entries(iv));
  for (const [k, v] of Object.entries(body)) if (k.startsWith('ind_')) pairs.push([k.slice(4), v]);
  const out: { code: string; value: number }[] = [];
  for (const [code, raw] of pairs) {
    if (raw === '' || raw === null || raw === undefined) continue;
    if (!/^[A-Z]\d{1,4}$/.test(code)) throw new UnitInputError('indicatorValues', `指标代码「${code.slice(0, 20)}」格式不对`);
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d{1,10}(\.\d{1,4})?$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isFinite(value) || Math.abs(value) >= 1e10) throw new UnitInputError('indicatorValues', `指标 ${code} 的数值「${String(raw).slice(0, 20)}」应为数字（最多 4 位小数）`);
    if (out.some((o) => o.code === code)) throw new UnitInputError('indicatorValues', `指标 ${code} 填写了两次`);
    out.push({ code, value });
  }
  if (out.length > LIMITS.indicators) throw new UnitInputError('indicatorValues', `指标数值最多 ${LIMITS.indicators} 项`);
  return out;
}

export function parseReport(body: Record<string, unknown>): ReportInput {
  const period = typeof body.period === 'string' ? body.period.trim() : '';
  if (!/^\d{4}(Q[1-4]|Y)$/.test(period)) throw new UnitInputError('period', `报告期「${period.slice(0, 20)}」格式不对，应为 2026Q3 (季度) 或 2026Y (年度)`);
  let percent: number | null = null;
  const p = body.percent;
  if (p !== undefined && p !== null && p !== '') {
    percent = typeof p === 'number' ? p : typeof p === 'string' && /^\d{1,3}$/.test(p.trim()) ? Number(p) : NaN;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new UnitInputError('percent', `完成进度应为 0 到 100 之间的整数`);
  }
  return {
    period,
    text: text(body.text, 'text', '进展情况', LIMITS.text, true),
    percent,
    evidenceLinks: evidence(body.evidenceLinks ?? body.evidence),
    indicatorValues: indicatorValues(body),
  };
}

export function parseExtension(body: Record<string, unknown>, zone: string): { newDueAt: string; reason: string } {
  const d = typeof body.newDueAt === 'string' ? body.newDueAt.trim() : '';
  let dt = /^\d{4}-\d{2}-\d{2}$/.test(d) ? DateTime.fromISO(d, { zone }).endOf('day') : DateTime.fromISO(d, { zone });
  if (!d || !dt.isValid) throw new UnitInputError('newDueAt', `新的完成时限「${d.slice(0, 30)}」不是有效日期（格式 2026-12-31）`);
  dt = dt.setZone(zone);
  return { newDueAt: dt.toISO()!, reason: text(body.reason, 'reason', '延期理由', LIMITS.reason, true) };
}

export function parseNote(body: Record<string, unknown>, field = 'note', label = '说明', required = false): string {
  return text(body[field], field, label, LIMITS.reason, required);
}

/** The reporting periods a unit may pick now: the current quarter, the previous one, and the year. */
export function periodChoices(nowMs: number, zone: string, standing: boolean): { value: string; label: string }[] {
  const now = DateTime.fromMillis(nowMs, { zone });
  const prev = now.minus({ quarters: 1 });
  const out = [
    { value: `${now.year}Q${now.quarter}`, label: `${now.year}年第${now.quarter}季度` },
    { value: `${prev.year}Q${prev.quarter}`, label: `${prev.year}年第${prev.quarter}季度` },
  ];
  const year = { value: `${now.year}Y`, label: `${now.year}年度总结` };
  return standing ? [year, ...out] : out;
}
