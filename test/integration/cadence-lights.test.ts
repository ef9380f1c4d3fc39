/**
 * The dashboard's lights (app/dashboard/lights.ts, the SQL in app/dashboard/queries/sql.ts) on a real
 * database count a recurring task's own reports: a 每月 task is yellow when its last past-due month
 * is missing and green when it reported its months (it owes no quarter), a 每年 task owes only the
 * annual summary, a plain 长期 task its quarter; the unit form offers the same periods.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import { currentDirectory, importPlan, loadPlan } from '../../app/plan-import';
import { lightParams, lightPolicy, type Light } from '../../app/dashboard/lights';
import { lightSql } from '../../app/dashboard/queries/sql';
import { periodChoices } from '../../web/unit-input';
import { readDirectoryFile } from '../../app/units-file';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const cfg = loadConfig({});
const lights = lightPolicy(cfg.policy, readHolidayOverride(cfg.holidaysOverrideFile));
const at = (local: string) => new Date(`${local}+08:00`);
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-cadence-'));
  const file = path.join(tmp, 'plan.txt');
  fs.writeFileSync(
    file,
    [
      '南昌市质量监测工作方案',
      '序号\t重点任务\t牵头单位\t责任单位\t完成时限',
      '一、监测',
      '1\t报送质量监测数据。\t市市场监管局\t市工信局\t每月',
      '2\t发布年度质量报告。\t市市场监管局\t\t每年',
      '3\t推进质量文化建设。\t市市场监管局\t\t长期',
    ].join('\n'),
  );
  await importPlan(db.prisma, await loadPlan(file, cfg, await currentDirectory(cfg, db.prisma)), {
    slug: 'cadence',
    actor: 'test',
    seedDirectory: readDirectoryFile(cfg.unitsFile),
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  await db.prisma.assignment.updateMany({ data: { supervisedFrom: at('2026-01-05T10:00:00'), state: 'ONGOING' } });
  const lead = await db.prisma.assignment.findFirstOrThrow({
    where: { task: { number: 1 }, unit: { name: '市市场监管局' } },
  });
  for (const period of ['2026M01', '2026M02', '2026M03'])
    await db.prisma.report.create({
      data: {
        assignmentId: lead.id,
        period,
        dueAt: at('2026-04-08T23:59:59.999'),
        submittedAt: at('2026-04-07T10:00:00'),
        text: '已报送',
      },
    });
  const co = await db.prisma.assignment.findFirstOrThrow({
    where: { task: { number: 1 }, unit: { name: '市工信局' } },
  });
  for (const period of ['2026M01', '2026M02'])
    await db.prisma.report.create({
      data: {
        assignmentId: co.id,
        period,
        dueAt: at('2026-03-06T23:59:59.999'),
        submittedAt: at('2026-03-05T10:00:00'),
        text: '已报送',
      },
    });
}, 60_000);
afterAll(() => db?.drop());

async function lightsAt(local: string): Promise<string[]> {
  const p = lightParams(at(local).getTime(), lights);
  const rows = await db.prisma.$queryRaw<{ number: number; unit: string; light: Light }[]>`
    SELECT t.number, u.name AS unit, ${lightSql(p)} AS light
    FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" JOIN "Unit" u ON u.id = a."unitId"
    WHERE a.role <> 'IMPLICIT' ORDER BY t.number, u.name`;
  return rows.map((r) => `(${r.number}) ${r.unit} ${r.light}`).sort();
}

it('20 Apr 2026 (2026Q1 due 10 Apr, 2026M03 due 8 Apr): each task is judged by its own cadence', async () => {
  expect(await lightsAt('2026-04-20T10:00:00')).toEqual([
    '(1) 市工信局 yellow', // 2026M03 missing
    '(1) 市市场监管局 green', // reported its months; owes no 2026Q1
    '(2) 市市场监管局 green', // 每年: the 2026 summary is not due yet
    '(3) 市市场监管局 yellow', // 长期: 2026Q1 missing
  ]);
});

it('the unit form offers a 每月 task its months and a 每年 task its summary only', async () => {
  const tasks = await db.prisma.task.findMany({ orderBy: { number: 'asc' } });
  expect(tasks.map((t) => [t.number, t.path, t.cadence])).toEqual([
    [1, '1', 'month'],
    [2, '2', 'year'],
    [3, '3', null],
  ]);
  const offer = (cadence: (typeof tasks)[number]['cadence']) =>
    periodChoices({
      lights,
      kind: 'standing',
      cadence,
      assignedMs: at('2026-01-05T10:00:00').getTime(),
      nowMs: at('2026-04-20T10:00:00').getTime(),
      reported: ['2026M01', '2026M02'],
    }).map((c) => c.value);
  expect(offer(tasks[0]!.cadence)).toEqual(['2026M03', '2026M04', '2026Y']);
  expect(offer(tasks[1]!.cadence)).toEqual(['2026Y']);
  expect(offer(tasks[2]!.cadence)).toEqual(['2026Q1', '2026Q2', '2026Y']);
});
