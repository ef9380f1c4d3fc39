/**
 * Plan import against a real PostgreSQL database: exact figures from the real plan, idempotent
 * re-import, a revision applied as a diff, refusals that change nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { currentDirectory, importPlan, loadPlan, PlanInputError } from '../../app/plan-import';
import { readDirectoryFile } from '../../app/units-file';
import { createTestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';

const cfg = loadConfig({});
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-import-'));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function load(file: string) {
  return loadPlan(file, cfg, await currentDirectory(cfg, db.prisma));
}
async function run(file: string, dryRun = false) {
  return importPlan(db.prisma, await load(file), {
    slug: 'nanchang',
    actor: 'test',
    dryRun,
    seedDirectory: readDirectoryFile(cfg.unitsFile),
  });
}
async function counts() {
  const p = db.prisma;
  return {
    tasks: await p.task.count({ where: { cancelledAt: null } }),
    sections: await p.section.count(),
    assignments: await p.assignment.count({ where: { cancelledAt: null } }),
    audit: await p.auditEvent.count(),
    indicators: await p.indicator.count(),
  };
}
function variant(name: string, edit: (text: string) => string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, edit(fs.readFileSync(REAL_PLAN, 'utf8')));
  return file;
}

describe('importing the real plan', () => {
  it('stores 80 tasks, 35 sections, the rule and every assignment, with due dates from the phrase table', async () => {
    const r = await run(REAL_PLAN);
    expect(r.created).toBe(true);
    expect(r.summary).toMatchObject({ tasks: 80, sections: 11, subsections: 24, units: 32 });
    expect(r.summary.deadlinePhrases).toEqual({ '2025年前': 43, 长期: 35, '2025年底前': 1, '2024年前': 1 });
    const c = await counts();
    expect(c.tasks).toBe(80);
    expect(c.sections).toBe(35);
    expect(c.assignments).toBe(r.summary.assignments);

    const t1 = await db.prisma.task.findFirstOrThrow({
      where: { number: 1 },
      include: { assignments: { include: { unit: true }, orderBy: { ordinal: 'asc' } } },
    });
    expect(t1.units).toEqual(['市科技局', '市工信局', '各县(区)人民政府', '开发区管委会', '湾里管理局']);
    expect(t1.assignments[0]).toMatchObject({ role: 'LEAD', unit: { name: '市科技局' } });
    expect(t1.assignments.filter((a) => a.role === 'IMPLICIT')).toHaveLength(0); // all listed explicitly
    expect(t1.dueAt?.toISOString()).toBe('2025-12-31T15:59:59.999Z');

    // task (2) lists one bureau; the rule binds 9 counties/districts, 4 zones and 湾里管理局 too
    const t2 = await db.prisma.assignment.findMany({
      where: { task: { number: 2 } },
      include: { unit: true },
      orderBy: { ordinal: 'asc' },
    });
    expect(t2.map((a) => a.role)).toEqual(['LEAD', ...Array(14).fill('IMPLICIT')]);
    expect(t2.map((a) => a.unit.name)).toContain('湾里管理局');
    expect(t2.find((a) => a.unit.name === '红谷滩区人民政府')?.viaGroup).toBe('各县(区)人民政府');

    const rule = await db.prisma.planRule.findFirstOrThrow();
    expect(rule).toMatchObject({
      kind: 'IMPLICIT_UNITS',
      fromTask: 1,
      unitNames: ['各县(区)人民政府', '开发区管委会', '湾里管理局'],
    });
    const standing = await db.prisma.task.findFirstOrThrow({ where: { number: 6 } });
    expect(standing).toMatchObject({ kind: 'standing', dueAt: null, deadlinePhrase: '长期' });
    expect(await db.prisma.auditEvent.count({ where: { action: 'plan.imported' } })).toBe(1);
  });

  it('changes nothing when the same plan is imported again', async () => {
    const before = await counts();
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { slug: 'nanchang' } });
    const r = await run(REAL_PLAN);
    expect(r).toMatchObject({ created: false, changed: false, revision: 1 });
    expect(await counts()).toEqual(before);
    expect((await db.prisma.plan.findUniqueOrThrow({ where: { slug: 'nanchang' } })).updatedAt).toEqual(plan.updatedAt);
  });

  it('refuses an unknown deadline phrase and an unknown unit by line, and imports nothing', async () => {
    const before = await counts();
    const bad = variant('bad.txt', (t) => t.replace('市金融办\n\n2025年前', '市金融局\n\n2025年三季度前'));
    const err = await load(bad).then(
      () => null,
      (e: unknown) => e as PlanInputError,
    );
    expect(err?.name).toBe('PlanInputError');
    const lines = fs.readFileSync(bad, 'utf8').split('\n');
    const unitLine = lines.indexOf('市金融局') + 1;
    expect(err!.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: unitLine,
          field: '责任单位',
          message: expect.stringContaining('「市金融局」不在单位名录（数据库）中'),
        }),
        expect.objectContaining({
          line: unitLine + 2,
          field: '完成时限',
          message: expect.stringContaining('「2025年三季度前」不在时限对照表中'),
        }),
      ]),
    );
    expect(await counts()).toEqual(before);
  });

  it('applies a revision as a diff: added task, changed units and deadline; dry run first changes nothing', async () => {
    const revised = variant('revised.txt', (t) =>
      t
        .replace(
          '(2)实施市级重大科技项目。\n\n市科技局\n\n2025年前',
          '(2)实施市级重大科技项目。\n\n市科技局、市工信局\n\n2025年前',
        )
        .replace(
          '(12)开展对标达标提升行动。\n\n市市场监管局\n\n2025年前',
          '(12)开展对标达标提升行动。\n\n市市场监管局\n\n2025年6月底前',
        )
        .replace(
          '按照有关规定给予表扬。\n\n市质量强市领导小组办公室\n\n长期',
          '按照有关规定给予表扬。\n\n市质量强市领导小组办公室\n\n长期\n\n(81)建立质量强市建设年度报告制度。\n\n市市场监管局\n\n2026年底前',
        ),
    );
    const before = await counts();
    const dry = await run(revised, true);
    expect(dry.diff.added).toEqual([81]);
    expect(await counts()).toEqual(before);

    const r = await run(revised);
    expect(r).toMatchObject({ changed: true, revision: 2 });
    expect(r.diff.added).toEqual([81]);
    expect(r.diff.removed).toEqual([]);
    expect(r.diff.changed.map((c) => [c.number, c.changes.map((x) => x.field)])).toEqual([
      [2, ['units']],
      [12, ['deadlinePhrase', 'dueAt']],
    ]);
    expect(r.diff.assignmentsAdded).toEqual(
      expect.arrayContaining([
        { task: 2, unit: '市工信局', role: 'CO' },
        { task: 81, unit: '市市场监管局', role: 'LEAD' },
      ]),
    );
    const a12 = await db.prisma.assignment.findFirstOrThrow({ where: { task: { number: 12 }, role: 'LEAD' } });
    expect(a12.dueAt?.toISOString()).toBe('2025-06-30T15:59:59.999Z');
    expect(await db.prisma.auditEvent.count({ where: { action: 'plan.revised' } })).toBe(1);
  });

  it('cancels, never deletes, the tasks a later revision removes, and closes their 督办单', async () => {
    // task (81) was supervised and overdue: its lead holds an open slip
    const lead = await db.prisma.assignment.findFirstOrThrow({
      where: { task: { number: 81 }, role: 'LEAD' },
      include: { task: true },
    });
    const slip = await db.prisma.supervisionSlip.create({
      data: {
        number: '督〔2026〕0099号',
        year: 2026,
        seq: 99,
        assignmentId: lead.id,
        colour: 'RED',
        reason: '测试',
        dedupeKey: 'slip-plan-import-test',
        issuedAt: new Date('2026-11-26T02:00:00Z'),
      },
    });
    const shorter = variant('shorter.txt', (t) =>
      t
        .replace(/\n\(81\)[^\n]*\n\n市市场监管局\n\n2026年底前/, '')
        .replace('(2)实施市级重大科技项目。\n\n市科技局\n\n', '(2)实施市级重大科技项目。\n\n市科技局、市工信局\n\n')
        .replace(
          '(12)开展对标达标提升行动。\n\n市市场监管局\n\n2025年前',
          '(12)开展对标达标提升行动。\n\n市市场监管局\n\n2025年6月底前',
        ),
    );
    const r = await run(shorter);
    expect(r.diff.removed).toEqual([81]);
    const t81 = await db.prisma.task.findFirstOrThrow({ where: { number: 81 }, include: { assignments: true } });
    expect(t81.cancelledAt).not.toBeNull();
    expect(t81.assignments.every((a) => a.state === 'CANCELLED')).toBe(true);
    const closed = await db.prisma.supervisionSlip.findUniqueOrThrow({ where: { id: slip.id } });
    expect(closed.closedBecause).toBe('CANCELLED');
    expect(closed.closedAt?.getTime()).toBe(t81.cancelledAt!.getTime());
    expect(
      (await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'slip.closed', entityId: slip.id } })).data,
    ).toMatchObject({
      number: '督〔2026〕0099号',
      because: 'CANCELLED',
      by: 'plan.revised',
      reason: '修订后的方案删除了该任务',
    });
  });
});
