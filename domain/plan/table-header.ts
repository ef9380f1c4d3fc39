/**
 * The header of a task table: which column holds what (序号 / 重点任务 / 牵头单位 / 配合单位 /
 * 完成时限 / 备注 …), read from the header words or given as `--columns`, and column letters. Pure.
 */

export type ColumnRole = 'number' | 'task' | 'lead' | 'co' | 'units' | 'deadline' | 'notes';

/** Header words per column role. 责任单位 is the co-units column when there is a 牵头单位 column, else the units column (first leads). */
const HEADER_WORDS: [ColumnRole, RegExp][] = [
  ['number', /^(?:序号|编号|序)$/],
  [
    'task',
    /^(?:工作任务|重点任务|任务内容|具体措施|主要任务|工作内容|重点工作|任务|工作措施|主要措施|重点工作任务|具体任务|工作事项|事项|措施)$/,
  ],
  ['lead', /^(?:牵头单位|牵头部门|牵头责任单位)$/],
  ['co', /^(?:配合单位|协办单位|配合部门|参与单位)$/],
  ['units', /^(?:责任单位|责任部门|责任主体)$/],
  ['deadline', /^(?:完成时限|完成时间|时间节点|时限要求|完成期限|时限|时间安排|进度安排)$/],
  ['notes', /^(?:备注|说明)$/],
];
export const ROLE_NAMES: Record<ColumnRole, string> = {
  number: '序号',
  task: '工作任务',
  lead: '牵头单位',
  co: '配合单位',
  units: '责任单位',
  deadline: '完成时限',
  notes: '备注',
};
export const ACCEPTED_HEADERS =
  '序号；工作任务/重点任务/任务内容/具体措施；牵头单位；责任单位/配合单位/协办单位；完成时限/完成时间/时间节点/时限要求；备注';

export const norm = (s: string) => s.replace(/[\s\u3000]+/g, '').replace(/[:：]$/, '');

/** The role of one header cell, or null. */
export function headerRole(cell: string): ColumnRole | null {
  const t = norm(cell);
  for (const [role, re] of HEADER_WORDS) if (re.test(t)) return role;
  return null;
}

/** Column index → role. */
export type ColumnMap = Map<number, ColumnRole>;

export interface HeaderMatch {
  map: ColumnMap;
  /** a cell of an otherwise recognisable header that is not a header word: quoted in the refusal */
  unknown: { col: number; text: string }[];
}

/**
 * Reads a header row. Recognisable when it has a task column, a units column (牵头/责任/配合) and at
 * least three header words. With both 牵头单位 and 责任单位, 责任单位 holds the co-units.
 */
export function matchHeader(cells: readonly string[]): HeaderMatch | null {
  const map: ColumnMap = new Map();
  const unknown: { col: number; text: string }[] = [];
  cells.forEach((c, i) => {
    if (!norm(c)) return;
    const r = headerRole(c);
    if (r && ![...map.values()].includes(r)) map.set(i, r);
    else unknown.push({ col: i, text: c.trim() });
  });
  const roles = [...map.values()];
  if (
    map.size < 2 ||
    !roles.includes('task') ||
    !(roles.includes('lead') || roles.includes('units') || roles.includes('co'))
  )
    return null;
  if (map.size + unknown.length < 3) return null;
  if (roles.includes('lead')) for (const [k, r] of map) if (r === 'units') map.set(k, 'co');
  return { map, unknown };
}

/** `--columns 'task=B,lead=C,co=D,deadline=E'` → column map (letters A…, or 1-based numbers). */
export function parseColumnsOption(spec: string): ColumnMap | string {
  const map: ColumnMap = new Map();
  for (const part of spec
    .split(/[,，]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(number|task|lead|co|units|deadline|notes)\s*=\s*([A-Za-z]{1,2}|\d{1,2})$/.exec(part);
    if (!m)
      return `--columns 中的「${part}」应写作 角色=列，如 task=B（角色: number、task、lead、co、units、deadline、notes；列: A、B… 或 1、2…）`;
    const col = /^\d+$/.test(m[2]!) ? Number(m[2]) - 1 : columnIndex(m[2]!);
    map.set(col, m[1] as ColumnRole);
  }
  if (![...map.values()].includes('task')) return '--columns 必须给出 task（工作任务所在的列）';
  return map;
}

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
export function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
