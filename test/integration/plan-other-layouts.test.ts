/**
 * Another city's plan as an .xlsx through the built CLI against a real database: `plan validate
 * --json --tasks --new-units` gives layout, issuer, newUnits and each task's path and units with
 * roles; without --new-units it is refused with every unknown unit by cell line; `plan import
 * --new-units` creates the units without contacts; `supervise start` refuses, naming them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSupervision } from '../../app/supervise';
import { currentDirectory, importPlan, loadPlan, PlanInputError } from '../../app/plan-import';
import { loadConfig } from '../../config';
import { createTestDatabase } from '../helpers/db';
import { makeXlsx } from '../helpers/plan-files';
import { runCli } from '../helpers/services';
import type { Client } from '@temporalio/client';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tmp: string;
let file: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-layouts-'));
  env = { DATABASE_URL: db.url, NODE_NO_WARNINGS: '1' };
  file = path.join(tmp, 'shifan-2024.xlsx');
  fs.writeFileSync(
    file,
    await makeXlsx([
      {
        name: '任务分工',
        rows: [
          ['示范市人民政府关于印发示范市2024年质量工作要点的通知', null, null, null],
          ['序号', '重点任务', '牵头单位', '配合单位'],
          ['一、质量提升', null, null, null],
          ['1', '开展质量提升行动。', '市市场监管局', '各县（市、区）人民政府'],
          ['2', '推进标准化建设。', '市市场监管局、市工信局', null],
        ],
        merges: ['A1:D1', 'A3:D3'],
      },
    ]),
  );
  expect(runCli(['units', 'seed'], env).status).toBe(0);
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('validate without --new-units: refused (exit 2), no deadline column and every unknown unit in one report', () => {
  const r = runCli(['plan', 'validate', file, '--json'], env);
  expect(r.status).toBe(2);
  const out = r.json<{
    error: string;
    details: { file: string; issues: { line: number; field: string; message: string }[] };
  }>().details;
  expect(out.issues.map((i) => [i.line, i.field])).toEqual([
    [4, '完成时限'],
    [4, '责任单位'],
    [4, '责任单位'],
    [5, '责任单位'],
    [5, '责任单位'],
  ]);
  expect(out.issues[0]!.message).toMatch(/方案没有完成时限列.*--default-deadline/);
  expect(out.issues[1]!.message).toMatch(
    /「市市场监管局」不在单位名录（数据库）中（方案由示范市人民政府印发，名称按示范市的单位查找：示范市市场监管局/,
  );
});

test('validate --json --tasks --new-units --default-deadline: layout, issuer, newUnits, tasks with path and roles; exit 0', () => {
  const r = runCli(
    ['plan', 'validate', file, '--json', '--tasks', '--new-units', '--default-deadline', '2024年底前'],
    env,
  );
  expect(r.status).toBe(0);
  const out = r.json<Record<string, unknown>>();
  expect(out).toMatchObject({
    layout: 'sheet',
    issuer: '示范市人民政府',
    title: '示范市2024年质量工作要点',
    taskCount: 2,
    encoding: 'xlsx',
  });
  expect(out.newUnits).toEqual([
    { name: '市市场监管局', create: '示范市市场监管局', group: false, lines: [4, 5] },
    { name: '各县（市、区）人民政府', create: '示范市各县（市、区）人民政府', group: true, lines: [4] },
    { name: '市工信局', create: '示范市工信局', group: false, lines: [5] },
  ]);
  expect(out.tasks).toEqual([
    {
      number: 1,
      path: '1',
      label: '1',
      section: '一',
      subsection: null,
      text: '开展质量提升行动。',
      units: [
        { name: '市市场监管局', role: 'LEAD' },
        { name: '各县（市、区）人民政府', role: 'CO' },
      ],
      deadlinePhrase: '2024年底前',
      dueDate: '2024-12-31',
      kind: 'deadline',
    },
    {
      number: 2,
      path: '2',
      label: '2',
      section: '一',
      subsection: null,
      text: '推进标准化建设。',
      units: [
        { name: '市市场监管局', role: 'LEAD' },
        { name: '市工信局', role: 'LEAD' },
      ],
      deadlinePhrase: '2024年底前',
      dueDate: '2024-12-31',
      kind: 'deadline',
    },
  ]);
});

test("import --new-units creates the units without contacts (Nanchang's are untouched); supervise start refuses naming them", async () => {
  const countiesBefore = await db.prisma.unit.count({ where: { kind: 'COUNTY' } });
  const r = runCli(
    ['plan', 'import', file, '--json', '--new-units', '--default-deadline', '2024年底前', '--plan', 'shifan'],
    env,
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const created = await db.prisma.unit.findMany({
    where: { name: { startsWith: '示范市' } },
    include: { contacts: true },
    orderBy: { name: 'asc' },
  });
  expect(created.map((u) => [u.name, u.kind, u.contacts.length])).toEqual([
    ['示范市各县（市、区）人民政府', 'GROUP', 0],
    ['示范市工信局', 'OTHER', 0],
    ['示范市市场监管局', 'OTHER', 0],
  ]);
  const assigned = await db.prisma.assignment.findMany({
    where: { task: { plan: { slug: 'shifan' } } },
    include: { unit: true },
  });
  expect(assigned.map((a) => a.unit.name).sort()).toEqual(['示范市工信局', '示范市市场监管局', '示范市市场监管局']);
  expect(await db.prisma.unit.count({ where: { kind: 'COUNTY' } })).toBe(countiesBefore);

  // a re-import changes nothing and creates nothing again
  const again = runCli(
    ['plan', 'import', file, '--json', '--new-units', '--default-deadline', '2024年底前', '--plan', 'shifan'],
    env,
  ).json<{ changed: boolean }>();
  expect(again.changed).toBe(false);
  expect(await db.prisma.unit.count({ where: { name: { startsWith: '示范市' } } })).toBe(3);

  const list = runCli(['units', 'list'], env).stdout.split('\n');
  expect(list.filter((l) => /缺(联系人|成员)/.test(l)).sort()).toEqual(
    [
      '示范市各县（市、区）人民政府 [单位组]（缺成员）',
      '示范市工信局 [其他]（缺联系人）',
      '示范市市场监管局 [其他]（缺联系人）',
    ].sort(),
  );

  const refused = await startSupervision(
    { db: db.prisma, client: {} as Client, taskQueue: 'unused' },
    { planSlug: 'shifan', zone: 'Asia/Shanghai', policy: {} },
  ).catch((e: Error) => e);
  const ids = Object.fromEntries(
    (await db.prisma.unit.findMany({ where: { name: { startsWith: '示范市' } } })).map((u) => [u.name, u.id]),
  );
  expect((refused as Error).message).toBe(
    '无法启动督办：以下单位无法接收通知——示范市各县（市、区）人民政府（缺成员）、示范市工信局（缺联系人）、示范市市场监管局（缺联系人）。' +
      `请先补充：联系人在看板单位页的「联系人 修改」填写（/units/${ids['示范市工信局']}/contacts，/units/${ids['示范市市场监管局']}/contacts），` +
      '或用 dubang units import <名录文件> 导入；单位组的成员用 dubang units import 补充。补充后再启动',
  );
});

test('supervise start refuses while any notified unit of the plan has no contact, not only the new ones; nothing starts', async () => {
  const cfg = loadConfig({});
  const f = path.join(tmp, 'contacts.txt');
  fs.writeFileSync(
    f,
    [
      '南昌市联系人检查方案',
      '序号\t重点任务\t牵头单位\t责任单位\t完成时限',
      '1\t任务甲。\t市政数局\t市工信局\t长期',
    ].join('\n'),
  );
  await importPlan(db.prisma, await loadPlan(f, cfg, await currentDirectory(cfg, db.prisma)), {
    slug: 'contacts',
    actor: 'test',
  });
  const unit = await db.prisma.unit.findUniqueOrThrow({ where: { name: '市工信局' }, include: { contacts: true } });
  await db.prisma.contact.deleteMany({ where: { unitId: unit.id } });
  const start = (notifyRoles?: ('LEAD' | 'CO')[]) =>
    startSupervision(
      { db: db.prisma, client: {} as Client, taskQueue: 'unused' },
      { planSlug: 'contacts', zone: 'Asia/Shanghai', policy: cfg.policy, ...(notifyRoles ? { notifyRoles } : {}) },
    ).catch((e: Error) => e);
  try {
    const refused = await start();
    expect((refused as Error).message).toBe(
      `无法启动督办：以下单位无法接收通知——市工信局（缺联系人）。请先补充：联系人在看板单位页的「联系人 修改」填写（/units/${unit.id}/contacts），` +
        '或用 dubang units import <名录文件> 导入；单位组的成员用 dubang units import 补充。补充后再启动',
    );
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { slug: 'contacts' } });
    expect(await db.prisma.auditEvent.count({ where: { planId: plan.id, action: 'supervision.scheduled' } })).toBe(0);
    // a unit whose role is not notified needs no contact: the refusal moves on past the check (to Temporal, absent here)
    expect((await start(['LEAD'])) as Error).not.toHaveProperty('message', expect.stringContaining('无法接收通知'));
  } finally {
    await db.prisma.contact.createMany({ data: unit.contacts.map(({ id: _id, ...c }) => c) });
  }
});

test('a plan numbered per section: a revision follows each task by its path; only an ambiguous move is refused', async () => {
  const cfg = loadConfig({});
  const write = (name: string, rows: string[]) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, ['南昌市示范工作要点', '序号\t重点任务\t牵头单位\t完成时限', ...rows].join('\n'));
    return f;
  };
  const base = [
    '一、政务服务',
    '1\t任务甲。\t市政数局\t长期',
    '2\t任务乙。\t市政数局\t长期',
    '二、市场环境',
    '1\t任务丙。\t市市场监管局\t每月',
  ];
  const run = async (f: string) =>
    importPlan(db.prisma, await loadPlan(f, cfg, await currentDirectory(cfg, db.prisma)), {
      slug: 'per-section',
      actor: 'test',
    });
  const stored = async () =>
    (await db.prisma.task.findMany({ where: { plan: { slug: 'per-section' } }, orderBy: { number: 'asc' } })).map(
      (t) => [t.number, t.path, t.text, t.cadence],
    );
  expect((await run(write('v1.txt', base))).created).toBe(true);
  expect(await stored()).toEqual([
    [1, '一/1', '任务甲。', null],
    [2, '一/2', '任务乙。', null],
    [3, '二/1', '任务丙。', 'month'],
  ]);
  const ids = (await db.prisma.task.findMany({ where: { plan: { slug: 'per-section' } } })).map((t) => t.id);

  // a task added at the end of section 一: 任务丙 keeps number 3 (its path 二/1 is unchanged), the new one takes 4
  const added = await run(write('v2.txt', [...base.slice(0, 3), '3\t任务新。\t市政数局\t长期', ...base.slice(3)]));
  expect(added.diff.added).toEqual([4]);
  expect(added.diff.changed).toEqual([]);
  expect(added.diff.removed).toEqual([]);
  expect(await stored()).toEqual([
    [1, '一/1', '任务甲。', null],
    [2, '一/2', '任务乙。', null],
    [3, '二/1', '任务丙。', 'month'],
    [4, '一/3', '任务新。', null],
  ]);
  const after = (await db.prisma.task.findMany({ where: { plan: { slug: 'per-section' } } })).map((t) => t.id);
  expect(ids.every((id) => after.includes(id))).toBe(true);

  // a task inserted in the middle of section 一: 任务乙 would be 一/3 and 一/2 another task: refused, naming both
  const v3 = write('v3.txt', [
    '一、政务服务',
    '1\t任务甲。\t市政数局\t长期',
    '2\t任务插。\t市政数局\t长期',
    '3\t任务乙。\t市政数局\t长期',
    '4\t任务新。\t市政数局\t长期',
    '二、市场环境',
    '1\t任务丙。\t市市场监管局\t每月',
  ]);
  const err = await run(v3).catch((e: PlanInputError) => e);
  expect((err as PlanInputError).issues).toEqual([
    {
      line: 6,
      field: '任务编号',
      message:
        '已导入的第 2 项任务「任务乙。」原在「一/2」，修订后在「一/3」，「一/2」现为「任务插。」：这份方案按分类重新编号，在分类中间插入或移动任务后无法确定哪项是哪项，不能按修订导入；请把新任务加在所在分类的最后，或以新的方案标识 (--plan) 导入',
    },
    {
      line: 7,
      field: '任务编号',
      message: expect.stringMatching(
        /^已导入的第 4 项任务「任务新。」原在「一\/3」，修订后在「一\/4」，「一\/3」现为「任务乙。」/,
      ),
    },
  ]);
  expect((await stored()).length).toBe(4);
});
