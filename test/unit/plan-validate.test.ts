/**
 * Validation of plans from another issuer against Nanchang's directory (config/units.json): names
 * resolve as that issuer's units and never expand into Nanchang's; --new-units lists what to create;
 * collective names are groups; several leads; one report for structure, unit and phrase problems.
 */
import { loadConfig } from '../../config';
import { readLoadedPlan } from '../../app/plan-import';
import { readDirectoryFile } from '../../app/units-file';
import { directoryPlace, isCollectiveName } from '../../domain/units';
import { taskList } from '../../cli/commands/plan-read';

const cfg = loadConfig({});
const dir = { dir: readDirectoryFile(cfg.unitsFile), source: 'config' as const };
const read = (text: string, opts: Parameters<typeof readLoadedPlan>[4] = {}) =>
  readLoadedPlan('x.txt', { kind: 'text', text }, cfg, dir, opts);

const OTHER =
  '示范市人民政府关于印发示范市质量提升行动方案的通知\n示范市质量提升行动方案\n' +
  '序号\t重点任务\t牵头单位\t责任单位\t完成时限\n一、质量提升\n' +
  '1\t开展质量提升行动。\t市市场监管局\t各县（市、区）人民政府、各开发区管委会\t2025年第二季度\n' +
  '2\t推进标准化建设。\t市市场监管局、市工信局\t各有关单位\t每年\n';

describe("another city's plan", () => {
  it("reads its issuer; the directory is Nanchang's", () => {
    expect(directoryPlace(dir.dir)).toBe('南昌市');
    expect(read(OTHER).plan.issuer).toBe('示范市人民政府');
  });

  it("is refused naming every unknown unit with its line: its generic names are not Nanchang's groups", () => {
    const r = read(OTHER);
    expect(r.validated).toBeNull();
    const msgs = r.issues.map((i) => `${i.line} ${i.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(
        /^5 任务\(1\)的责任单位「市市场监管局」不在单位名录 \(units\.json\)中（方案由示范市人民政府印发，名称按示范市的单位查找：示范市市场监管局，不会对应到南昌市的单位）/,
      ),
      expect.stringMatching(
        /^5 任务\(1\)的责任单位「各县（市、区）人民政府」不在.*示范市各县（市、区）人民政府.*；「各县（市、区）人民政府」是统称，应在名录中建为单位组并列出成员/,
      ),
      expect.stringMatching(/^5 任务\(1\)的责任单位「各开发区管委会」/),
      expect.stringMatching(/^6 任务\(2\)的责任单位「市市场监管局」/),
      expect.stringMatching(/^6 任务\(2\)的责任单位「市工信局」/),
      expect.stringMatching(/^6 任务\(2\)的责任单位「各有关单位」/),
    ]);
  });

  it('with --new-units: lists the units to create (groups marked) and assigns no Nanchang unit', () => {
    const r = read(OTHER, { newUnits: true });
    expect(r.issues).toEqual([]);
    const v = r.validated!;
    expect(v.newUnits).toEqual([
      { name: '市市场监管局', create: '示范市市场监管局', group: false, lines: [5, 6] },
      { name: '各县（市、区）人民政府', create: '示范市各县（市、区）人民政府', group: true, lines: [5] },
      { name: '各开发区管委会', create: '示范市各开发区管委会', group: true, lines: [5] },
      { name: '市工信局', create: '示范市工信局', group: false, lines: [6] },
      { name: '各有关单位', create: '示范市各有关单位', group: true, lines: [6] },
    ]);
    expect(v.assignments.map((a) => [a.task, a.unit, a.role])).toEqual([
      [1, '示范市市场监管局', 'LEAD'],
      [2, '示范市市场监管局', 'LEAD'],
      [2, '示范市工信局', 'LEAD'],
    ]);
    expect(taskList(v).map((t) => [t.number, t.path, t.units, t.deadlinePhrase, t.dueDate, t.kind])).toEqual([
      [
        1,
        '1',
        [
          { name: '市市场监管局', role: 'LEAD' },
          { name: '各县（市、区）人民政府', role: 'CO' },
          { name: '各开发区管委会', role: 'CO' },
        ],
        '2025年第二季度',
        '2025-06-30',
        'deadline',
      ],
      [
        2,
        '2',
        [
          { name: '市市场监管局', role: 'LEAD' },
          { name: '市工信局', role: 'LEAD' },
          { name: '各有关单位', role: 'CO' },
        ],
        '每年',
        null,
        'standing',
      ],
    ]);
    expect(taskList(v)[1]).toMatchObject({ cadence: 'year' });
  });
});

describe("Nanchang's own names", () => {
  it('a Nanchang plan in another layout resolves and expands groups as before', () => {
    const text =
      '南昌市人民政府关于印发南昌市示范工作方案的通知\n南昌市示范工作方案\n重点任务\t牵头单位\t配合单位\t完成时限\n1.示范任务。\t市市场监管局、市工信局\t各县(区)人民政府\t2025年底前\n';
    const r = read(text);
    expect(r.issues).toEqual([]);
    const a = r.validated!.assignments;
    expect(a.filter((x) => x.role === 'LEAD').map((x) => x.unit)).toEqual(['市市场监管局', '市工信局']);
    expect(a.filter((x) => x.role === 'CO')).toHaveLength(9);
  });

  it('never suggests two names run together as one alias', () => {
    const text =
      '南昌市示范工作方案\n重点任务\t责任单位\t完成时限\n1.示范任务。\t市发改委 市财政局\t2025年底前\n2.示范任务二。\t市发改委市财政局\t2025年底前\n';
    const msgs = read(text).issues.map((i) => i.message);
    expect(msgs).toEqual([
      expect.stringMatching(/「市发改委 市财政局」像是两个以上单位连在一起.*用「、」分开/),
      expect.stringMatching(/「市发改委市财政局」像是两个以上单位连在一起/),
    ]);
    expect(msgs.join('')).not.toMatch(/别名/);
  });

  it('structure, unit and phrase problems come in one report', () => {
    const text =
      '南昌市示范工作方案\n重点任务\t责任单位\t完成时限\n1.示范任务。\t市不存在局\t三季度\n3.示范任务三。\t市发改委\t长期\n';
    const r = read(text);
    expect(r.issues.map((i) => [i.line, i.field])).toEqual([
      [3, '完成时限'],
      [3, '责任单位'],
      [4, '任务编号'],
    ]);
  });
});

describe('collective names', () => {
  it.each(['各街道', '区直各部门', '县政府有关部门', '各有关单位', '各县(市、区)人民政府', '各开发区管委会'])(
    '%s is a group',
    (n) => {
      expect(isCollectiveName(n)).toBe(true);
    },
  );
  it.each(['市市场监管局', '南昌县人民政府', '湾里管理局'])('%s is one unit', (n) => {
    expect(isCollectiveName(n)).toBe(false);
  });
});
