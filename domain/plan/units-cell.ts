/**
 * Reading a 责任单位 (responsible units) cell: unit names in order, split on 、，, outside
 * brackets, and rule brackets such as `[以下责任单位中均包括…,不再列出]` taken out as rules. Pure.
 */
import { isCloseBracket, isOpenBracket, splitOutsideBrackets } from './text';

/** Separators between unit names: 、 and full- and half-width commas. */
export const UNIT_SEPARATORS = '、，,';

/** A rule bracket found in a units cell. */
export interface UnitsCellRule {
  /** the bracket as written, brackets included */
  text: string;
  /** the unit names the rule binds, split like the cell */
  units: string[];
}

export interface UnitsCell {
  /** unit names in order, trimmed, text otherwise exactly as written */
  units: string[];
  rules: UnitsCellRule[];
  /** what is wrong with the cell, in Chinese, for the caller to attach a line to */
  problems: string[];
}

// 以下责任单位中均包括 X,不再列出 — the wording varies (均/都, 包括/包含/含, 不再单独列出, 下同).
const RULE_BODY =
  /^(?:以下[\s\S]*?)?(?:均包括|包括|包含|均含|含)([\s\S]*?)[，,、；;\s]*(?:不再(?:单独|另行)?列出|下同)[。.]?$/;
const looksLikeRule = (inner: string) =>
  (/^以下/.test(inner) && /列出[。.]?$/.test(inner)) || /^(?:均包括|包括|包含|均含|含)[\s\S]*下同[。.]?$/.test(inner);
/** （第一责任单位为牵头单位，下同）: says what the reader does anyway (the first unit leads); no unit. */
const isLeadNote = (inner: string) =>
  /牵头/.test(inner) && /第一|首位|排名第一|排第一|首个|排在首位|列第一/.test(inner) && inner.length <= 40;

/** Top-level bracket groups of `s` as [start, end] (end inclusive). Linear. */
function topLevelGroups(s: string): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (isOpenBracket(ch)) {
      if (depth === 0) start = i;
      depth++;
    } else if (isCloseBracket(ch) && depth > 0) {
      depth--;
      if (depth === 0) out.push([start, i]);
    }
  }
  return out;
}

/** Splits a list of names; empty names and unbalanced brackets become problems. */
function splitNames(s: string, what: string, problems: string[], rules?: UnitsCellRule[]): string[] {
  const { parts, balanced } = splitOutsideBrackets(s, UNIT_SEPARATORS);
  if (!balanced) problems.push(`${what}的括号不配对：「${s}」`);
  const names: string[] = [];
  parts.forEach((p, i) => {
    const found = rules ? takeRules(p, problems) : { rest: p, rules: [] };
    rules?.push(...found.rules);
    const name = found.rest.trim();
    if (name) names.push(name);
    // A rule standing alone between separators leaves an empty slot behind: not a missing name.
    else if (!found.rules.length && !('notes' in found && found.notes) && parts.length > 1)
      problems.push(`${what}的第${i + 1}个单位名称为空（分隔符 、，, 之间应有单位名称）：「${s}」`);
  });
  return names;
}

/** Removes the rule brackets of one name slot (湾里管理局[以下…不再列出] → 湾里管理局). */
function takeRules(part: string, problems: string[]): { rest: string; rules: UnitsCellRule[]; notes?: number } {
  const rules: UnitsCellRule[] = [];
  let notes = 0;
  let rest = '';
  let from = 0;
  for (const [s, e] of topLevelGroups(part)) {
    const inner = part.slice(s + 1, e).trim();
    const note = isLeadNote(inner);
    if (!note && !looksLikeRule(inner)) continue;
    const text = part.slice(s, e + 1);
    if (note) {
      notes++;
      rest += part.slice(from, s);
      from = e + 1;
      continue;
    }
    const m = RULE_BODY.exec(inner);
    if (m) rules.push({ text, units: splitNames(m[1]!, '规则括号', problems) });
    else problems.push(`无法读取规则括号${text}：应为「以下责任单位中均包括…，不再列出」的形式`);
    rest += part.slice(from, s);
    from = e + 1;
  }
  return { rest: rest + part.slice(from), rules, notes };
}

/**
 * Reads one 责任单位 cell. A rule bracket may stand on its own between separators or be attached
 * to a name (湾里管理局[以下…不再列出]); either way it is removed from the unit list.
 */
export function parseUnitsCell(cell: string): UnitsCell {
  const problems: string[] = [];
  const rules: UnitsCellRule[] = [];
  const units = splitNames(cell, '责任单位', problems, rules);
  if (!units.length) problems.push('责任单位为空：应至少列出一个单位（第一个单位为牵头单位）');
  return { units, rules, problems };
}
