/**
 * Reading the plan's main goals (主要目标) into numeric indicators. Pure.
 *
 * The goals paragraph names the target year (到2025年) and is followed by goal lines that start with
 * a dash (——经济发展质量效益持续增强。…). Each clause of a goal line that ends in a number with a
 * known unit is one target: 数字经济核心产业增加值占GDP比重达到10%以上 → name, 达到10%以上, 10, %, gte.
 * Qualitative clauses (制造业占GDP比重保持总体稳定) carry no number and are not indicators.
 */
import type { ParsedIndicator, SourceIssue } from '../model';
import { foldDigits, splitOutsideBrackets } from './text';

const GOALS_HEADING = /主要目标/;
const GOAL_LINE = /^[—–－-]{2,}\s*/;
const TARGET_YEAR = /到\s*([0-9０-９]{4})\s*年/;
/** Units a target may carry; "" (none) is an index such as 制造业质量竞争力指数达到89. */
const UNITS: Record<string, string> = { '%': '%', '％': '%', 分: '分', 件: '件', 个: '个', 项: '项', 家: '家' };
// name, verb, number, unit, 以上. Only run on short clauses (see MAX_CLAUSE), so the lazy name is cheap.
const TARGET =
  /^(.*?)(达到|达|稳定在|保持在|不低于|超过)?\s*([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(%|％|分|件|个|项|家)?\s*(以上)?$/;
/** A clause that reads like a target (达到 + number) but whose unit we do not know. */
const TARGET_LIKE = /(达到|稳定在|保持在|不低于)\s*[0-9０-９]/;
const MAX_CLAUSE = 200;
/** Names sharing one target (A率、B率稳定在98%以上) are split only when every part is itself a metric. */
const METRIC_NAME = /(率|比重|指数|量|总数|度)$/;

function sharedNames(name: string): string[] {
  const { parts, balanced } = splitOutsideBrackets(name, '、');
  if (!balanced || parts.length < 2) return [name];
  const names = parts.map((p) => p.trim());
  return names.every((n) => n.length >= 4 && METRIC_NAME.test(n)) ? names : [name];
}

/**
 * Finds the goals paragraph in `lines[0..end)` (the body, before the annex) and reads its
 * indicators. Returns no indicators and no issues when the plan has no goals paragraph.
 */
export function readIndicators(
  lines: readonly string[],
  end: number,
): { indicators: ParsedIndicator[]; issues: SourceIssue[] } {
  const issues: SourceIssue[] = [];
  const indicators: ParsedIndicator[] = [];
  // The goals paragraph is the first 主要目标 line followed by dash goal lines (a mention of 主要目标
  // elsewhere, e.g. in navigation text, is not it).
  let heading = -1;
  for (let i = 0; i < end && heading < 0; i++) {
    if (lines[i]!.length > 5000 || !GOALS_HEADING.test(lines[i]!)) continue;
    for (let k = i + 1; k < end; k++) {
      const t = lines[k]!.trim();
      if (!t) continue;
      if (GOAL_LINE.test(t)) heading = i;
      break;
    }
  }
  if (heading < 0) return { indicators, issues };
  const yearMatch = TARGET_YEAR.exec(lines[heading]!);
  const year = yearMatch ? Number(foldDigits(yearMatch[1]!)) : null;

  for (let i = heading + 1; i < end; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const dash = GOAL_LINE.exec(raw);
    if (!dash) break;
    const body = raw.slice(dash[0].length);
    const stop = body.search(/[。.]/);
    const goal = (stop < 0 ? body : body.slice(0, stop)).trim();
    const clauses = splitOutsideBrackets(stop < 0 ? '' : body.slice(stop + 1), ',，;；。').parts;
    for (const c of clauses) {
      const clause = c.trim();
      if (!clause || !/[0-9０-９]/.test(clause)) continue;
      const m = clause.length <= MAX_CLAUSE ? TARGET.exec(clause) : null;
      const rawName = m?.[1]?.trim() ?? '';
      if (!m || !rawName) {
        if (TARGET_LIKE.test(clause)) {
          issues.push({
            line: i + 1,
            field: '主要目标',
            message: `无法读取目标值「${clause}」：应为 指标名称 + 达到/稳定在 + 数值 + 单位(%、分、件、个、项、家，或指数不带单位) + 可选「以上」`,
          });
        }
        continue;
      }
      if (year === null) {
        issues.push({ line: heading + 1, field: '主要目标', message: '主要目标应写明目标年份，如「到2025年」' });
        return { indicators: [], issues };
      }
      // 全市 is the scope every goal shares, not part of the indicator's name.
      const name = rawName.replace(/^全市/, '');
      const targetText = clause.slice(m[1]!.length).trim();
      const value = Number(foldDigits(m[3]!).replace('．', '.'));
      for (const n of sharedNames(name)) {
        indicators.push({
          code: `I${String(indicators.length + 1).padStart(2, '0')}`,
          goal,
          name: n,
          targetText,
          targetValue: value,
          unit: m[4] ? UNITS[m[4]]! : '',
          // a target is a floor (达到35% is met by 36%), unless it names a level to hold (稳定在/保持在 without 以上)
          comparator: m[5] || !/稳定在|保持在/.test(m[2] ?? '') ? 'gte' : 'eq',
          targetYear: year,
          line: i + 1,
        });
      }
    }
  }
  return { indicators, issues };
}
