/**
 * `assess --year 2026 --as-of 2026-12-31` on the real plan whose supervision started in December
 * 2026, with notices and deliveries recorded the way the mail pipeline records them (a Notice, and
 * its Delivery with status SENT, sentAt and the Message-ID; a FAILED one for a unit whose mail
 * bounced). The assessment judges only what a delivered notice asked:
 *  - nobody is charged for a report period due before supervision began (2026Q1–Q3);
 *  - the 14 rule-bound units (county/district governments, development zones, 湾里管理局), to which
 *    this test records no notice (as for a plan supervised with --notify-roles LEAD,CO; the shipped
 *    policy notifies them), are not graded 0/D: they are listed without grade or
 *    rank, every obligation 「未通知，不计」, because nothing was ever asked of them;
 *  - every acknowledgement, report, overdue and slip deduction cites a delivered notice;
 *  - the XLSX read back with exceljs (and the CSV) shows the 「未通知，不计」 rows at 0 points.
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
  writeAssessmentFiles,
  type AssessmentRun,
} from '../../app/assessment/run';
import { readDirectoryFile } from '../../app/units-file';
import { DEDUCTION_COLUMNS, SHEETS, UNCOUNTED } from '../../app/assessment/export-xlsx';
import { createTestDatabase } from '../helpers/db';
import { REAL_PLAN } from '../helpers/paths';

const cfg = loadConfig({});
const assessment = loadAssessmentConfig(cfg);
const SLUG = 'nanchang-quality-city-2024';
const sh = (s: string) => new Date(`${s}+08:00`);
const SUPERVISED_FROM = sh('2026-12-01T10:00:00');
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let tmp: string;
let run: AssessmentRun;
let seq = 0;

/** A notice and its delivery as the mail pipeline leaves them. */
async function deliver(n: {
  kind: string;
  assignmentId?: string | null;
  scope?: string;
  sentAt: Date;
  payload?: object;
  slipId?: string;
  status?: 'SENT' | 'FAILED';
}) {
  const i = ++seq;
  const status = n.status ?? 'SENT';
  return db.prisma.notice.create({
    data: {
      key: `notice-${n.assignmentId ?? n.scope}-${n.kind}-${n.sentAt.getTime()}-${i}`,
      kind: n.kind,
      assignmentId: n.assignmentId ?? null,
      scope: n.scope ?? null,
      dueAt: n.sentAt,
      recipients: ['liaison'],
      payload: { to: ['liaison'], plan: SLUG, ...(n.payload ?? {}) },
      status,
      ...(n.slipId ? { slipId: n.slipId } : {}),
      delivery: {
        create:
          status === 'SENT'
            ? {
                status,
                messageId: `<n${i}.${n.kind}@dubang.test>`,
                attempts: 1,
                sentAt: n.sentAt,
                smtpResponse: '250 OK',
              }
            : { status, attempts: 1, error: '550 mailbox unavailable' },
      },
    },
  });
}

const unitId = async (name: string) => (await db.prisma.unit.findUniqueOrThrow({ where: { name } })).id;
const assignmentsOf = (unit: string) =>
  db.prisma.assignment.findMany({
    where: { unitId: unit },
    include: { task: true },
    orderBy: { task: { number: 'asc' } },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-assess-sup-'));
  const loaded = await loadPlan(REAL_PLAN, cfg, await currentDirectory(cfg, db.prisma));
  await importPlan(db.prisma, loaded, { slug: SLUG, actor: 'test', seedDirectory: readDirectoryFile(cfg.unitsFile) });
  await db.prisma.assignment.updateMany({ data: { supervisedFrom: SUPERVISED_FROM } });

  // 市市场监管局: every 交办通知 delivered on 1 Dec; the first task signed for in time; one 督办 with its slip
  const scjg = await assignmentsOf(await unitId('市市场监管局'));
  for (const a of scjg)
    await deliver({
      kind: 'assignment',
      assignmentId: a.id,
      sentAt: sh('2026-12-01T10:05:00'),
      payload: { task: a.task.number },
    });
  await db.prisma.assignment.update({
    where: { id: scjg[0]!.id },
    data: { acknowledgedAt: sh('2026-12-02T09:00:00') },
  });
  const overdue = scjg.find((a) => a.task.kind === 'deadline' && a.originalDueAt! < SUPERVISED_FROM)!;
  const slip = await db.prisma.supervisionSlip.create({
    data: {
      number: '督〔2026〕0001号',
      year: 2026,
      seq: 1,
      assignmentId: overdue.id,
      colour: 'ORANGE',
      reason: '逾期未完成',
      dedupeKey: 'sup-1',
      issuedAt: sh('2026-12-03T09:00:00'),
    },
  });
  await deliver({
    kind: 'supervision',
    assignmentId: overdue.id,
    sentAt: sh('2026-12-03T09:00:00'),
    slipId: slip.id,
    payload: { task: overdue.task.number, slip: { number: slip.number, colour: 'ORANGE' } },
  });

  // 市工信局: one catch-up letter listing two of its overdue tasks
  const gxId = await unitId('市工信局');
  const gx = (await assignmentsOf(gxId))
    .filter((a) => a.task.kind === 'deadline' && a.originalDueAt! < SUPERVISED_FROM)
    .slice(0, 2);
  await deliver({
    kind: 'catchup_unit',
    scope: `${SLUG}-catchup-${gxId}`,
    sentAt: sh('2026-12-01T10:05:00'),
    payload: {
      unit: '市工信局',
      items: gx.map((a) => ({
        task: a.task.number,
        unit: '市工信局',
        what: 'deadline',
        dueAt: a.originalDueAt!.toISOString(),
        overdueDays: 300,
        slip: null,
      })),
    },
  });

  // 市商务局: its 交办通知 bounced (FAILED): nothing was asked
  const sw = await assignmentsOf(await unitId('市商务局'));
  await deliver({ kind: 'assignment', assignmentId: sw[0]!.id, sentAt: sh('2026-12-01T10:05:00'), status: 'FAILED' });

  run = await runAssessment(db.prisma, {
    year: 2026,
    asOf: parseAsOf('2026-12-31', cfg.timezone),
    now: Date.now(),
    zone: cfg.timezone,
    config: assessment,
    isWorkday: officialWorkdays(cfg.timezone),
  });
}, 120_000);
afterAll(async () => {
  await db?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('2026 as of 31 Dec, supervision from 1 Dec 2026', () => {
  it('charges nobody for a report period due before supervision began', () => {
    const r = run.result;
    const early = ['2026Q1', '2026Q2', '2026Q3', '2025Q4'];
    for (const u of [...r.units, ...r.unassessed]) {
      expect(u.uncounted.filter((x) => x.period !== null && early.includes(x.period))).toEqual([]);
    }
    // the only report owed: a standing task's 2026 annual summary, due 10 Dec, after supervision began
    // and asked for by the 交办通知 of 1 Dec (it carries the reporting calendar)
    const charged = r.units.flatMap((u) => u.deductions.filter((d) => d.period !== null));
    expect(charged.length).toBeGreaterThan(0);
    expect(new Set(charged.map((d) => [d.kind, d.period, d.dueAt].join(' ')))).toEqual(
      new Set(['reportMissing 2026Y 2026-12-10T15:59:59.999Z']),
    );
    expect(r.totals.reportsDue).toBe(r.totals.reportsMissing);
  });

  it('grades only the units a delivered notice asked something of; the rule-bound ones are listed, not graded 0/D', async () => {
    const r = run.result;
    expect(r.units.map((u) => u.unit).sort()).toEqual(['市工信局', '市市场监管局']);
    const implicit = await db.prisma.unit.findMany({
      where: { assignments: { some: { role: 'IMPLICIT' } } },
      select: { name: true },
    });
    expect(implicit).toHaveLength(14);
    const unassessed = new Map(r.unassessed.map((u) => [u.unit, u]));
    for (const { name } of implicit) {
      const u = unassessed.get(name)!;
      // 77–78 tasks each, none ever notified: every overdue one and every acknowledgement is 「未通知，不计」, no grade
      expect(u.counts.assignments).toBeGreaterThanOrEqual(77);
      expect(u.uncounted.length).toBe(u.counts.uncounted);
      expect(u.uncounted.every((x) => x.reason.endsWith(`（${UNCOUNTED}）`))).toBe(true);
      expect(u).not.toHaveProperty('grade');
    }
    // the bounced 交办通知 asked nothing either
    expect(unassessed.has('市商务局')).toBe(true);
    expect(r.totals).toMatchObject({ units: 2, grades: { A: expect.any(Number) } });
  });

  it('cites a delivered notice in every acknowledgement, report, overdue and slip deduction', async () => {
    const r = run.result;
    const scjg = r.units.find((u) => u.unit === '市市场监管局')!;
    const kinds = new Set(scjg.deductions.map((d) => d.kind));
    expect([...kinds].sort()).toEqual(['ackLate', 'overdue', 'reportMissing', 'slipOrange'].sort());
    // all but the one signed for in time acknowledged late: asked 1 Dec, due end of 4 Dec (3 workdays)
    expect(scjg.counts.acksLate).toBe(scjg.counts.assignments - 1);
    const slipped = scjg.deductions.find((d) => d.kind === 'slipOrange')!;
    const clocked = scjg.deductions.find((d) => d.kind === 'overdue' && d.assignmentId === slipped.assignmentId)!;
    expect(clocked).toMatchObject({
      dueAt: '2026-12-03T01:00:00.000Z',
      notice: { kind: '督办通知', sentAt: '2026年12月3日 09:00', slip: '督〔2026〕0001号' },
    });
    const gx = r.units.find((u) => u.unit === '市工信局')!;
    expect(gx.deductions.filter((d) => d.kind === 'overdue').map((d) => d.notice?.kind)).toEqual([
      '逾期事项汇总通知',
      '逾期事项汇总通知',
    ]);

    const cited = new Set<string>();
    for (const u of r.units) {
      for (const d of u.deductions) {
        if (d.kind === 'extensionRequested') continue;
        expect(d.notice).not.toBeNull();
        expect(d.notice!.sentAt).toMatch(/^2026年12月\d+日 \d\d:\d\d$/);
        expect(d.notice!.messageId ?? d.notice!.slip).toBeTruthy();
        expect(d.reason).toContain(`依据${d.notice!.kind}（${d.notice!.sentAt}发出`);
        expect(d.evidence).toContainEqual({ type: 'Notice', id: d.notice!.id });
        cited.add(d.notice!.id);
      }
    }
    const notices = await db.prisma.notice.findMany({ where: { id: { in: [...cited] } }, include: { delivery: true } });
    expect(notices).toHaveLength(cited.size);
    expect(notices.every((n) => n.delivery?.status === 'SENT')).toBe(true);
  });

  it('exports the 「未通知，不计」 rows at 0 points in the XLSX (read back) and the CSV', async () => {
    const files = await writeAssessmentFiles(run, tmp);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(files.xlsx);
    const ded = wb.getWorksheet(SHEETS.deductions)!;
    expect((ded.getRow(1).values as unknown[]).slice(1)).toEqual([...DEDUCTION_COLUMNS]);
    const rows: unknown[][] = [];
    ded.eachRow((row, i) => {
      if (i > 1) rows.push((row.values as unknown[]).slice(1));
    });
    const status = DEDUCTION_COLUMNS.indexOf('计分');
    const uncounted = rows.filter((x) => x[status] === UNCOUNTED);
    const r = run.result;
    expect(uncounted.length).toBe([...r.units, ...r.unassessed].reduce((s, u) => s + u.uncounted.length, 0));
    expect(uncounted.every((x) => x[3] === 0)).toBe(true);
    expect(uncounted.some((x) => x[0] === '南昌县人民政府')).toBe(true);
    expect(
      rows
        .filter((x) => x[status] === '计入')
        .every((x) => String(x[DEDUCTION_COLUMNS.indexOf('通知依据')]).startsWith('依据')),
    ).toBe(true);
    const summary = wb.getWorksheet(SHEETS.summary)!;
    const county: unknown[] = [];
    summary.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1);
      if (v[1] === '南昌县人民政府') county.push(...v);
    });
    // no rank, no score (empty cells), graded 「未通知，不计」
    expect(county.slice(0, 4)).toEqual([undefined, '南昌县人民政府', undefined, UNCOUNTED]);

    const csv = parse(fs.readFileSync(files.deductionsCsv, 'utf8'), { bom: true }) as string[][];
    expect(csv.filter((x) => x[status] === UNCOUNTED).length).toBe(uncounted.length);
  });
});
