/**
 * The assessment against PostgreSQL with the real plan imported and supervised from its effective
 * date (10 Apr 2024), every 交办通知 delivered that day (the assessment judges only what a delivered
 * notice asked: without them nothing would count; test/integration/assess-supervised.test.ts covers
 * a plan supervised late): 2025 with no reports submitted is deterministic and every deduction
 * traces to stored rows and the notice that asked; recorded events (reports, completion, extension,
 * delivered slips) change exactly the figures they should; the XLSX and CSV read back equal the
 * JSON; the email goes to the outbox once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../../config';
import { loadAssessmentConfig } from '../../config/assessment';
import { currentDirectory, importPlan, loadPlan } from '../../app/plan-import';
import {
  officialWorkdays,
  parseAsOf,
  runAssessment,
  submitAssessmentNotice,
  writeAssessmentFiles,
  type AssessmentRun,
} from '../../app/assessment/run';
import { readDirectoryFile } from '../../app/units-file';
import { createOutboxNotificationPort } from '../../infra/outbox';
import { SHEETS, SUMMARY_COLUMNS, summaryRow } from '../../app/assessment/export-xlsx';
import { createTestDatabase } from '../helpers/db';
import { superviseAllDelivered } from '../helpers/delivered';
import { REAL_PLAN } from '../helpers/paths';

const cfg = loadConfig({});
const assessment = loadAssessmentConfig(cfg);
const SLUG = 'nanchang-quality-city-2024';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-assess-'));
  const loaded = await loadPlan(REAL_PLAN, cfg, await currentDirectory(cfg, db.prisma));
  await importPlan(db.prisma, loaded, { slug: SLUG, actor: 'test', seedDirectory: readDirectoryFile(cfg.unitsFile) });
  // supervised from the plan's effective date; every assignment's 交办通知 delivered (SENT, with its Message-ID) at 10:05
  await superviseAllDelivered(db.prisma, {
    from: new Date('2024-04-10T10:00:00+08:00'),
    sent: new Date('2024-04-10T10:05:00+08:00'),
  });
}, 60_000);
afterAll(async () => {
  await db?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const run = (over: { asOf?: number; now?: number } = {}) =>
  runAssessment(db.prisma, {
    year: 2025,
    now: Date.now(),
    zone: cfg.timezone,
    config: assessment,
    isWorkday: officialWorkdays(cfg.timezone),
    ...over,
  });

describe('2025 on the real plan, no reports submitted', () => {
  let first: AssessmentRun;
  beforeAll(async () => {
    first = await run();
  });

  it('gives the same result, digest included, on every recomputation and for any later clock', async () => {
    const again = await run({ now: Date.parse('2031-03-01T00:00:00Z') });
    expect(again.digest).toBe(first.digest);
    expect(again.result).toEqual(first.result);
    expect(first.result).toMatchObject({
      year: 2025,
      label: '2025年度',
      interim: false,
      asOf: '2025-12-31T16:00:00.000Z',
    });
  });

  it('counts exactly the obligations the stored plan implies: every deadline item overdue, every report missing', async () => {
    const rows = await db.prisma.$queryRaw<{ kind: string; n: number }[]>`
      SELECT t.kind::text AS kind, count(*)::int AS n FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" JOIN "Unit" u ON u.id = a."unitId"
      WHERE u.kind::text NOT IN ('GROUP', 'OFFICE', 'LEADERSHIP') GROUP BY 1`;
    const n = { deadline: 0, standing: 0, ...Object.fromEntries(rows.map((r) => [r.kind, r.n])) };
    const t = first.result.totals;
    // the plan took effect 2024-04-10: reports 2024Q4, 2025Q1–Q3 for deadline items; the 2025 annual summary for standing ones
    expect(t).toMatchObject({
      assignments: n.deadline + n.standing,
      overdue: n.deadline,
      completedOnTime: 0,
      reportsDue: 4 * n.deadline + n.standing,
      reportsMissing: 4 * n.deadline + n.standing,
      reportsOnTime: 0,
      acksDue: 0,
    });
    expect(t.slips).toEqual({ BLUE: 0, ORANGE: 0, RED: 0 });
    const u = first.result.units.find((x) => x.unit === '市市场监管局')!;
    expect(u.score).toBe(
      Math.max(0, 100 - 5 * u.counts.deadlineItems - 4 * u.counts.deadlineItems - u.counts.standingItems),
    );
  });

  it('traces every deduction to stored rows, audit events and the delivered notice that asked', async () => {
    const ids = { Assignment: new Set<string>(), AuditEvent: new Set<string>(), Notice: new Set<string>() };
    let count = 0;
    for (const u of first.result.units) {
      expect(u.deductions.length).toBeGreaterThan(0);
      for (const d of u.deductions) {
        count++;
        expect(d.evidence.length).toBeGreaterThan(0);
        for (const e of d.evidence) (ids as Record<string, Set<string>>)[e.type]!.add(e.id);
      }
    }
    expect(count).toBe(first.result.totals.overdue + first.result.totals.reportsMissing);
    const assignments = await db.prisma.assignment.count({ where: { id: { in: [...ids.Assignment] } } });
    expect(assignments).toBe(ids.Assignment.size);
    const events = await db.prisma.auditEvent.findMany({ where: { id: { in: [...ids.AuditEvent].map(BigInt) } } });
    expect(events.map((e) => e.action)).toEqual(['plan.imported']);
    const notices = await db.prisma.notice.findMany({
      where: { id: { in: [...ids.Notice] } },
      include: { delivery: true },
    });
    expect(notices).toHaveLength(ids.Notice.size);
    expect(notices.every((n) => n.kind === 'assignment' && n.delivery?.status === 'SENT')).toBe(true);
    expect(first.result.unassessed).toEqual([]);
  });

  it('writes an XLSX whose figures equal the JSON, a matching CSV and the bulletin; emails it once', async () => {
    const files = await writeAssessmentFiles(first, tmp);
    const r = first.result;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(files.xlsx);
    expect(wb.worksheets.map((w) => w.name).slice(0, 3)).toEqual([SHEETS.summary, SHEETS.deductions, SHEETS.tasks]);
    expect(wb.worksheets).toHaveLength(3 + r.units.length);
    const sheet = wb.getWorksheet(SHEETS.summary)!;
    expect((sheet.getRow(3).values as unknown[]).slice(1)).toEqual(SUMMARY_COLUMNS.map(([, h]) => h));
    const back = [];
    for (let i = 4; i <= sheet.rowCount; i++) back.push((sheet.getRow(i).values as unknown[]).slice(1));
    expect(back).toEqual(r.units.map((u) => SUMMARY_COLUMNS.map(([k]) => summaryRow(u)[k])));
    const ded = wb.getWorksheet(SHEETS.deductions)!;
    expect(ded.rowCount - 1).toBe(r.units.reduce((s, u) => s + u.deductions.length, 0));
    let pts = 0;
    ded.eachRow((row, i) => {
      if (i > 1) pts += row.getCell(4).value as number;
    });
    expect(pts).toBeCloseTo(
      r.units.reduce((s, u) => s + u.byKind.reduce((x, k) => x + k.points, 0), 0),
      6,
    );

    const csv = parse(fs.readFileSync(files.summaryCsv, 'utf8'), { bom: true }) as string[][];
    expect(csv.slice(1).map((row) => [row[1], Number(row[2]), row[3]])).toEqual(
      r.units.map((u) => [u.unit, u.score, u.grade]),
    );

    const bulletin = fs.readFileSync(files.bulletin, 'utf8');
    expect(bulletin.split('\n')[0]).toBe('# 关于2025年度质量强市建设重点工作任务落实情况的通报');
    const worst = r.units[r.units.length - 1]!;
    expect(bulletin).toContain(`${worst.unit}（${worst.score}分，${worst.grade}等`);
    // units bound only to standing tasks lost one point (the missing annual summary) and lead the ranking
    const best = bulletin.split('## 二、表现较好的单位')[1]!.split('## 三')[0]!;
    expect(best).toContain(`${r.units[0]!.unit}（${r.units[0]!.score}分，${r.units[0]!.grade}等）`);

    const port = createOutboxNotificationPort(db.prisma);
    const sent = await submitAssessmentNotice(port, first, files);
    const twice = await submitAssessmentNotice(port, first, files);
    expect([sent.created, twice.created, twice.noticeId]).toEqual([true, false, sent.noticeId]);
    const notice = await db.prisma.notice.findUniqueOrThrow({ where: { id: sent.noticeId } });
    expect(notice).toMatchObject({ kind: 'assessment', status: 'PENDING', recipients: ['office', 'leadership'] });
    expect((notice.payload as { attachments: { filename: string }[] }).attachments.map((a) => a.filename)).toEqual([
      'assessment-2025.xlsx',
      'assessment-2025-summary.csv',
      'assessment-2025-deductions.csv',
      'assessment-2025-bulletin.md',
    ]);
  });
});

describe('recorded events change exactly the figures they should', () => {
  const sh = (s: string) => new Date(`${s}+08:00`);

  it('reports, a late completion, an extension approved in time and slips, read through SQL', async () => {
    const unit = await db.prisma.unit.findUniqueOrThrow({ where: { name: '市市场监管局' } });
    const before = (await run()).result.units.find((u) => u.unitId === unit.id)!;
    const [a1, a2] = await db.prisma.assignment.findMany({
      where: { unitId: unit.id, task: { kind: 'deadline', deadlinePhrase: '2025年前' } },
      orderBy: { task: { number: 'asc' } },
      take: 2,
    });
    const due = a1!.originalDueAt!; // 2025-12-31 end of day
    // a1: all four reports, one late; completed 2025-11-30 (on time); slips blue and red
    const periods: [string, string, string][] = [
      ['2024Q4', '2025-01-10T23:59:59.999', '2025-01-08T10:00:00'],
      ['2025Q1', '2025-04-10T23:59:59.999', '2025-04-12T10:00:00'],
      ['2025Q2', '2025-07-10T23:59:59.999', '2025-07-01T10:00:00'],
      ['2025Q3', '2025-10-10T23:59:59.999', '2025-10-09T10:00:00'],
    ];
    for (const [period, d, s] of periods)
      await db.prisma.report.create({
        data: { assignmentId: a1!.id, period, dueAt: sh(d), submittedAt: sh(s), text: '进展顺利', late: sh(s) > sh(d) },
      });
    await db.prisma.assignment.update({
      where: { id: a1!.id },
      data: { state: 'COMPLETED', completedAt: sh('2025-11-30T10:00:00') },
    });
    const approval = await db.prisma.auditEvent.create({
      data: {
        actor: 'office:test',
        action: 'completion.approved',
        entityType: 'Assignment',
        entityId: a1!.id,
        assignmentId: a1!.id,
        unitId: unit.id,
        at: sh('2025-11-30T10:00:00'),
        data: {},
      },
    });
    await db.prisma.supervisionSlip.createMany({
      data: [
        {
          number: '督〔2025〕0001号',
          year: 2025,
          seq: 1,
          assignmentId: a1!.id,
          colour: 'BLUE',
          reason: '报告将到期',
          dedupeKey: 't1',
          issuedAt: sh('2025-03-30T09:00:00'),
        },
        {
          number: '督〔2025〕0002号',
          year: 2025,
          seq: 2,
          assignmentId: a1!.id,
          colour: 'RED',
          reason: '逾期',
          dedupeKey: 't2',
          issuedAt: sh('2025-05-01T09:00:00'),
        },
      ],
    });
    // each slip counts once its 督办通知 was delivered
    for (const s of await db.prisma.supervisionSlip.findMany({ where: { assignmentId: a1!.id } })) {
      await db.prisma.notice.create({
        data: {
          key: `notice-${a1!.id}-supervision-${s.issuedAt.getTime()}`,
          kind: 'supervision',
          assignmentId: a1!.id,
          dueAt: s.issuedAt,
          recipients: ['liaison'],
          payload: { to: ['liaison'], slip: { number: s.number, colour: s.colour } },
          status: 'SENT',
          slipId: s.id,
          delivery: { create: { status: 'SENT', messageId: `<${s.id}@dubang.test>`, attempts: 1, sentAt: s.issuedAt } },
        },
      });
    }
    // a2: extension to 2026-03-31 approved before the deadline, still open at year end: not overdue in 2025
    await db.prisma.extension.create({
      data: {
        assignmentId: a2!.id,
        requestedAt: sh('2025-12-01T10:00:00'),
        requestedDueAt: sh('2026-03-31T23:59:59.999'),
        previousDueAt: due,
        reason: '需协调省级部门',
        status: 'APPROVED',
        decidedAt: sh('2025-12-05T10:00:00'),
      },
    });

    const after = (await run()).result.units.find((u) => u.unitId === unit.id)!;
    const diff = (
      k:
        | 'completedOnTime'
        | 'overdue'
        | 'open'
        | 'reportsOnTime'
        | 'reportsLate'
        | 'reportsMissing'
        | 'extensionRequests',
    ) => after.counts[k] - before.counts[k];
    expect([
      diff('completedOnTime'),
      diff('overdue'),
      diff('open'),
      diff('reportsOnTime'),
      diff('reportsLate'),
      diff('reportsMissing'),
      diff('extensionRequests'),
    ]).toEqual([1, -2, 1, 3, 1, -4, 1]);
    expect(after.counts.slips).toEqual({ BLUE: 1, ORANGE: 0, RED: 1 });
    const late = after.deductions.find((d) => d.kind === 'reportLate')!;
    expect(late).toMatchObject({
      period: '2025Q1',
      points: 0.5,
      notice: { kind: '任务交办通知', sentAt: '2024年4月10日 10:05' },
    });
    expect(late.reason).toMatch(
      new RegExp(
        `^任务\\(${late.task}\\)2025年第一季度进展报告应于2025-04-10前报送，实际于2025-04-12报送；依据任务交办通知（2024年4月10日 10:05发出，Message-ID <`,
      ),
    );
    expect(after.deductions.find((d) => d.kind === 'slipRed')!.notice).toMatchObject({
      kind: '督办通知',
      slip: '督〔2025〕0002号',
    });
    expect(after.deductions.filter((d) => d.assignmentId === a1!.id).map((d) => d.kind)).toEqual([
      'reportLate',
      'slipBlue',
      'slipRed',
    ]);
    expect(approval.id).toBeDefined();

    // As of 2025-06-30 the completion (November) and the extension (December) have not happened yet
    const june = (await run({ asOf: parseAsOf('2025-06-30', cfg.timezone) })).result;
    expect(june.interim).toBe(true);
    const u = june.units.find((x) => x.unitId === unit.id)!;
    expect(u.counts).toMatchObject({ completedOnTime: 0, extensionRequests: 0, slips: { BLUE: 1, ORANGE: 0, RED: 1 } });
  });
});
