/**
 * A revision's tasks paired with the stored ones by path (domain/plan/revision.ts followPaths): the
 * real plan (numbered once, (1)…(80)) pairs by number exactly as before, whatever moves; a plan
 * numbered per section keeps each stored task's number by its path, numbers a new path after every
 * stored number, and refuses only a stored task's text found under another path.
 */
import * as fs from 'node:fs';
import { loadConfig } from '../../config';
import { readLoadedPlan } from '../../app/plan-import';
import { readDirectoryFile } from '../../app/units-file';
import { followPaths, type StoredTaskRef } from '../../domain/plan/revision';
import type { ValidatedPlan } from '../../domain/plan/validate';
import { REAL_PLAN } from '../helpers/paths';

const cfg = loadConfig({});
const dir = { dir: readDirectoryFile(cfg.unitsFile), source: 'config' as const };
const read = (text: string): ValidatedPlan => {
  const r = readLoadedPlan('x.txt', { kind: 'text', text }, cfg, dir);
  if (!r.validated) throw new Error(JSON.stringify(r.issues));
  return r.validated;
};
const storedOf = (v: ValidatedPlan): StoredTaskRef[] =>
  v.tasks.map((t) => ({ number: t.number, path: t.path, text: t.text, cancelled: false }));
const table = (rows: string[]) =>
  read(['南昌市示范工作要点', '序号\t重点任务\t牵头单位\t完成时限', ...rows].join('\n'));

describe('followPaths', () => {
  it('the real plan: paths are its numbers (1)…(80); a revision with texts moved between numbers pairs by number as before', () => {
    const v = read(fs.readFileSync(REAL_PLAN, 'utf8'));
    expect(v.tasks).toHaveLength(80);
    expect(v.tasks.every((t) => t.path === String(t.number))).toBe(true);
    const stored = storedOf(v).map((t, i, all) => ({ ...t, text: all[(i + 1) % all.length]!.text }));
    const r = followPaths(v, stored);
    expect(r.ok && r.plan).toBe(v);
  });

  it('per section: an appended task takes the next number, the later sections keep theirs', () => {
    const v1 = table(['一、甲', '1\t任务甲。\t市政数局\t长期', '二、乙', '1\t任务丙。\t市政数局\t每季度']);
    const v2 = table([
      '一、甲',
      '1\t任务甲。\t市政数局\t长期',
      '2\t任务新。\t市政数局\t长期',
      '二、乙',
      '1\t任务丙改。\t市政数局\t每季度',
    ]);
    expect(v2.tasks.map((t) => [t.number, t.path])).toEqual([
      [1, '一/1'],
      [2, '一/2'],
      [3, '二/1'],
    ]);
    const r = followPaths(v2, storedOf(v1));
    if (!r.ok) throw new Error('refused');
    expect(r.plan.tasks.map((t) => [t.number, t.path, t.text])).toEqual([
      [1, '一/1', '任务甲。'],
      [3, '一/2', '任务新。'],
      [2, '二/1', '任务丙改。'],
    ]);
    expect(new Set(r.plan.assignments.map((a) => a.task))).toEqual(new Set([1, 2, 3]));
    expect(r.plan.assignments.find((a) => a.task === 3)!.unit).toBe('市政数局');
    expect(r.renumbered).toEqual([
      { path: '一/2', from: 2, to: 3 },
      { path: '二/1', from: 3, to: 2 },
    ]);
  });

  it('per section: a task moved to another section is refused, naming both paths; a cancelled one is not followed', () => {
    const v1 = table([
      '一、甲',
      '1\t任务甲。\t市政数局\t长期',
      '2\t任务乙。\t市政数局\t长期',
      '二、乙',
      '1\t任务丙。\t市政数局\t长期',
    ]);
    const v2 = table([
      '一、甲',
      '1\t任务甲。\t市政数局\t长期',
      '二、乙',
      '1\t任务丙。\t市政数局\t长期',
      '2\t任务乙。\t市政数局\t长期',
    ]);
    const r = followPaths(v2, storedOf(v1));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.message.split('：')[0])).toEqual([
      '已导入的第 2 项任务「任务乙。」原在「一/2」，修订后在「二/2」',
    ]);
    const cancelled = storedOf(v1).map((t) => (t.number === 2 ? { ...t, cancelled: true } : t));
    const ok = followPaths(v2, cancelled);
    expect(ok.ok && ok.plan.tasks.map((t) => [t.path, t.number])).toEqual([
      ['一/1', 1],
      ['二/1', 3],
      ['二/2', 4],
    ]);
  });
});
