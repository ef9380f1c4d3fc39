/**
 * Validation of what a unit submits through its form (or the JSON twin of it). Hostile input is
 * refused here with a message naming the field: control characters (NUL breaks PostgreSQL text),
 * oversized fields, non-http(s) evidence links (javascript: and data: URLs), malformed numbers.
 * HTML in free text is allowed and stored as typed: it is inert data, escaped wherever shown.
 */
import { DateTime } from 'luxon';
import type { LightPolicy } from '../app/dashboard/lights';
import type { BusinessCalendar } from '../domain/calendar';
import { REPORT_PERIOD } from '../domain/lifecycle';
import { formatPeriod } from '../domain/messages/format';
import type { TaskKind } from '../domain/model';
import { cycleSummaries, kindPolicy, reportPeriods, type ReportPeriod } from '../domain/policy';
import type { Cadence } from '../domain/deadline';
import { ErrorCodes, DubangError } from '../contracts/errors';

export class UnitInputError extends DubangError {
  static override readonly code = ErrorCodes.UnitInputError;
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
  const list = Array.isArray(v)
    ? v
    : typeof v === 'string'
      ? v.split(/\r?\n/)
      : v === undefined || v === null
        ? []
        : null;
  if (!list) throw new UnitInputError('evidenceLinks', '佐证材料链接应为每行一个网址');
  const links = list.map((x) => (typeof x === 'string' ? x.trim() : '')).filter((x) => x.length > 0);
  if (links.length > LIMITS.links) throw new UnitInputError('evidenceLinks', `佐证材料链接最多 ${LIMITS.links} 个`);
  return links.map((l, i) => {
    if (l.length > LIMITS.linkLength || CONTROL.test(l))
      throw new UnitInputError('evidenceLinks', `第 ${i + 1} 个佐证材料链接过长或含控制字符`);
    let u: URL;
    try {
      u = new URL(l);
    } catch {
      throw new UnitInputError(
        'evidenceLinks',
        `第 ${i + 1} 个佐证材料链接「${l}」不是有效网址（应以 http:// 或 https:// 开头）`,
      );
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new UnitInputError('evidenceLinks', `第 ${i + 1} 个佐证材料链接只能是 http:// 或 https:// 网址`);
    return u.toString();
  });
}

/** An indicator the task may report (its binding, config/indicators.json), as assignmentDetail lists them. */
export interface BoundIndicator {
  code: string;
  name: string;
}

function indicatorValues(
  body: Record<string, unknown>,
  bound: readonly BoundIndicator[] | undefined,
): { code: string; value: number }[] {
  const pairs: [string, unknown][] = [];
  const iv = body.indicatorValues;
  if (Array.isArray(iv))
    for (const x of iv) pairs.push([String((x as { code?: unknown })?.code ?? ''), (x as { value?: unknown })?.value]);
  else if (iv && typeof iv === 'object') pairs.push(...Object.entries(iv));
  for (const [k, v] of Object.entries(body)) if (k.startsWith('ind_')) pairs.push([k.slice(4), v]);
  const out: { code: string; value: number }[] = [];
  for (const [code, raw] of pairs) {
    if (raw === '' || raw === null || raw === undefined) continue;
    if (!/^[A-Z]\d{1,4}$/.test(code))
      throw new UnitInputError('indicatorValues', `指标代码「${code.slice(0, 20)}」格式不对`);
    const value =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && /^-?\d{1,10}(\.\d{1,4})?$/.test(raw.trim())
          ? Number(raw.trim())
          : NaN;
    // named as the form shows it (the code is the catalogue's key): 「每万人口高价值发明专利拥有量」
    const label = bound?.find((b) => b.code === code)?.name;
    const named = label ? `指标「${label}」` : `指标 ${code} `;
    if (!Number.isFinite(value) || Math.abs(value) >= 1e10)
      throw new UnitInputError(
        'indicatorValues',
        `${named}的数值「${String(raw).slice(0, 20)}」应为数字（最多 4 位小数）`,
      );
    if (out.some((o) => o.code === code)) throw new UnitInputError('indicatorValues', `${named}填写了两次`);
    // a code this task does not report is refused, never dropped unseen
    if (bound && !bound.some((b) => b.code === code)) {
      const offered = bound.length
        ? `本任务可填报的指标为：${bound.map((b) => `${b.code} ${b.name}`).join('、')}`
        : '本任务没有需要填报的指标，请不要填写指标数值';
      throw new UnitInputError('indicatorValues', `指标代码「${code}」不是本任务的指标，本次报告未保存。${offered}。`);
    }
    out.push({ code, value });
  }
  if (out.length > LIMITS.indicators)
    throw new UnitInputError('indicatorValues', `指标数值最多 ${LIMITS.indicators} 项`);
  return out;
}

/** `indicators`: the ones bound to the task; given, any other indicator code is refused. */
export function parseReport(body: Record<string, unknown>, indicators?: readonly BoundIndicator[]): ReportInput {
  const period = typeof body.period === 'string' ? body.period.trim() : '';
  // the lifecycle's own pattern: what the form offers under any policy passes here and there
  if (!REPORT_PERIOD.test(period))
    throw new UnitInputError(
      'period',
      `报告期「${period.slice(0, 20)}」格式不对，应为 2026Q3 (季度)、2026M03 (月度) 或 2026Y (年度)`,
    );
  let percent: number | null = null;
  const p = body.percent;
  if (p !== undefined && p !== null && p !== '') {
    percent = typeof p === 'number' ? p : typeof p === 'string' && /^\d{1,3}$/.test(p.trim()) ? Number(p) : NaN;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      throw new UnitInputError('percent', `完成进度应为 0 到 100 之间的整数`);
  }
  return {
    period,
    text: text(body.text, 'text', '进展情况', LIMITS.text, true),
    percent,
    evidenceLinks: evidence(body.evidenceLinks ?? body.evidence),
    indicatorValues: indicatorValues(body, indicators),
  };
}

export function parseExtension(body: Record<string, unknown>, zone: string): { newDueAt: string; reason: string } {
  const d = typeof body.newDueAt === 'string' ? body.newDueAt.trim() : '';
  let dt = /^\d{4}-\d{2}-\d{2}$/.test(d) ? DateTime.fromISO(d, { zone }).endOf('day') : DateTime.fromISO(d, { zone });
  if (!d || !dt.isValid)
    throw new UnitInputError('newDueAt', `新的完成时限「${d.slice(0, 30)}」不是有效日期（格式 2026-12-31）`);
  dt = dt.setZone(zone);
  return { newDueAt: dt.toISO()!, reason: text(body.reason, 'reason', '延期理由', LIMITS.reason, true) };
}

/** A completion request (申请销号): the 完成情况说明 and evidence links, both optional; stored for the Office's review. */
export function parseCompletion(body: Record<string, unknown>): { note?: string; evidenceLinks?: string[] } {
  const note = parseNote(body, 'note', '完成情况说明');
  // the unit form names its field completionEvidenceLinks (so a refused form restores it apart from the report's); the API takes evidenceLinks
  const links = evidence(body.completionEvidenceLinks ?? body.evidenceLinks ?? body.evidence);
  return { ...(note ? { note } : {}), ...(links.length ? { evidenceLinks: links } : {}) };
}

export function parseNote(body: Record<string, unknown>, field = 'note', label = '说明', required = false): string {
  return text(body[field], field, label, LIMITS.reason, required);
}

/** One reporting period the unit form offers. */
export interface PeriodChoice {
  /** what is submitted: 2026Q3, 2026Y, or P3 / C12 under a fixed-length (test) policy */
  value: string;
  /** Chinese, with the due date and whether it is late */
  label: string;
  /** when its report is due, ISO in the policy zone */
  dueAt: string;
  /** overdue: past its due moment; due: the period is over, the report not yet late; open: the period now running */
  status: 'overdue' | 'due' | 'open';
}

/** At most this many past periods are offered (the most recent ones); an older one can still be sent through the JSON twin (any well-formed period). */
export const MAX_PAST_CHOICES = 12;

function periodName(period: string): string {
  let m: RegExpExecArray | null;
  // quarters read as everywhere else (2026年第四季度): one formatter for pages and emails
  if (/^\d{4}(Q[1-4]|M\d\d)$/.test(period)) return formatPeriod(period);
  if ((m = /^(\d{4})Y$/.exec(period))) return `${m[1]}年度总结`;
  if ((m = /^P(\d+)$/.exec(period))) return `第${m[1]}期`;
  if ((m = /^C(\d+)$/.exec(period))) return `第${m[1]}周期总结`;
  return period;
}

/** 2026年4月10日 (with the time when the due moment is not the end of a day, as under a seconds policy). */
function dueText(cal: BusinessCalendar, dueMs: number): string {
  const day = cal.localDate(dueMs);
  const [y, m, d] = day.split('-').map(Number);
  const date = `${y}年${m}月${d}日`;
  return cal.endOfDay(day) === dueMs
    ? date
    : `${date} ${DateTime.fromMillis(dueMs, { zone: cal.zone }).toFormat('HH:mm:ss')}`;
}

/**
 * The reporting periods a unit may pick now: what the lifecycle asks of this assignment under the
 * configured policy (the traffic lights' LightPolicy: config/policy.json and the business calendar),
 * computed by the same domain/policy functions the lifecycle plans its reminders and 催办 with
 * (`reportPeriods`, `cycleSummaries`, as in its owedReports):
 *
 * - periods that are over (their report due, or past due) and not yet reported, most recent first
 *   (at most MAX_PAST_CHOICES); a standing task's annual summary counts once its due moment passed
 *   (2026Y on 2027-01-05, while unreported);
 * - then the period running now, and for a standing task the current cycle's annual summary until
 *   it falls due, unless already reported.
 *
 * Periods count from when supervision of the assignment started (`assignedMs`: its `supervisedFrom`,
 * the instant the lifecycle plans from), like the lights: an assignment owes a period from the one
 * containing that instant, and an annual summary only if it was supervised when the summary fell
 * due. Not yet supervised (null): nothing is offered, since the lifecycle asks nothing yet (and would
 * refuse the report). Every value matches the lifecycle's REPORT_PERIOD, so its `submitReport`
 * validator accepts it (a period already reported is never offered, so no DUPLICATE).
 */
export function periodChoices(o: {
  lights: LightPolicy;
  kind: TaskKind;
  /** a recurring task's cadence (每月 …): it owes that cadence's periods (domain/policy kindPolicy) */
  cadence?: Cadence | null;
  assignedMs: number | null;
  nowMs: number;
  reported: Iterable<string>;
}): PeriodChoice[] {
  if (o.assignedMs === null) return [];
  const from = o.assignedMs;
  const { calendar: cal, policy } = o.lights;
  const kp = kindPolicy(policy, o.kind, o.cadence);
  const done = new Set(o.reported);
  const asked: ReportPeriod[] = [];
  const until = o.nowMs + 1; // periods starting at or before now
  if (kp.reports) asked.push(...reportPeriods(kp, cal, from, until));
  if (kp.cycle) asked.push(...cycleSummaries(kp.cycle, cal, from, until).filter((s) => s.dueMs >= from));
  const past: PeriodChoice[] = [];
  const open: PeriodChoice[] = [];
  for (const p of asked.filter((x) => !done.has(x.period)).sort((a, b) => b.dueMs - a.dueMs)) {
    const name = periodName(p.period);
    const due = dueText(cal, p.dueMs);
    const dueAt = cal.toIso(p.dueMs);
    if (p.dueMs < o.nowMs)
      past.push({ value: p.period, label: `${name}（已逾期，应于${due}前报送）`, dueAt, status: 'overdue' });
    else if (!p.summary && p.endMs <= o.nowMs)
      past.push({ value: p.period, label: `${name}（请于${due}前报送）`, dueAt, status: 'due' });
    else
      open.unshift({
        value: p.period,
        label: `${name}（${p.summary ? '' : /Q/.test(p.period) ? '本季度，' : /^\d{4}M/.test(p.period) ? '本月，' : '本期，'}${due}前报送）`,
        dueAt,
        status: 'open',
      });
  }
  return [...past.slice(0, MAX_PAST_CHOICES), ...open];
}
