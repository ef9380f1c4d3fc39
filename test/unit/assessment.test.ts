/**
 * Annual assessment scoring: exact scores for crafted histories (on time, late, missing reports,
 * extensions approved before vs after the deadline, slips of each colour, standing tasks), the
 * calendars, grades, ranking, ceilings, roles, as-of snapshots, determinism and evidence.
 */
import {
  assess,
  assessmentWindow,
  gradeOf,
  reportPeriodsDue,
  weekdaysOnly,
  yearLabel,
  type AssessmentFacts,
  type AssessmentParams,
  type AssessmentRubric,
  type AssignmentFact,
  type ExtensionFact,
  type NoticeFact,
  type ReportFact,
  type SlipFact,
} from '../../domain/assessment';
import { parseAssessmentConfig, rubricOf } from '../../config/assessment';

const ZONE = 'Asia/Shanghai';
const rubric: AssessmentRubric = rubricOf(parseAssessmentConfig({}));
/** `2025-06-30` → end of that day in Shanghai; `2025-06-30T10:00` → that local time. */
const at = (s: string): number => Date.parse(s.length === 10 ? `${s}T23:59:59.999+08:00` : `${s}:00+08:00`);
const END_2025 = Date.parse('2026-01-01T00:00:00+08:00');

interface Item {
  id: string;
  unit?: string;
  task?: string;
  role?: AssignmentFact['role'];
  created?: string;
  acked?: string | null;
  completed?: string | null;
  cancelled?: string | null;
  /** period → submitted day; due dates from the calendar */
  reports?: Record<string, string>;
  extensions?: Omit<ExtensionFact, 'assignmentId'>[];
  slips?: Omit<SlipFact, 'assignmentId'>[];
  /** when its 交办通知 was delivered (default: when it was created, which is when supervision started); null = never */
  notified?: string | null;
}

const REPORT_DUE: Record<string, string> = {
  '2024Q4': '2025-01-10',
  '2025Q1': '2025-04-10',
  '2025Q2': '2025-07-10',
  '2025Q3': '2025-10-10',
  '2025Q4': '2026-01-10',
  '2025Y': '2025-12-10',
  '2026Q1': '2026-04-10',
  // monthly (每月 tasks): the 5th workday after the month, Monday–Friday here
  '2025M01': '2025-02-07',
  '2025M02': '2025-03-07',
  '2025M03': '2025-04-07',
};

/** A small world: units U1–U3 (bureaus) and G (a group), a deadline task T1 due 30 Jun 2025 and a standing task T2. */
function world(items: Item[]): AssessmentFacts {
  const assignments: AssignmentFact[] = [];
  const reports: ReportFact[] = [];
  const extensions: ExtensionFact[] = [];
  const slips: SlipFact[] = [];
  const notices: NoticeFact[] = [];
  for (const i of items) {
    const task = i.task ?? 'T1';
    const due = task === 'T1' ? at('2025-06-30') : null;
    const created = at(i.created ?? '2025-01-02T10:00');
    assignments.push({
      id: i.id,
      taskId: task,
      unitId: i.unit ?? 'U1',
      role: i.role ?? 'LEAD',
      state: i.completed ? 'COMPLETED' : i.cancelled ? 'CANCELLED' : task !== 'T1' ? 'ONGOING' : 'IN_PROGRESS',
      dueAt: due,
      originalDueAt: due,
      acknowledgedAt: i.acked === null ? null : at(i.acked ?? '2025-01-03T09:00'),
      completedAt: i.completed ? at(i.completed) : null,
      cancelledAt: i.cancelled ? at(i.cancelled) : null,
      createdAt: created,
      supervisedFrom: created,
    });
    // delivered as the pipeline records them: the 交办通知, and each slip's 督办通知 when it was issued
    const notified = i.notified === null ? null : i.notified ? at(i.notified) : created;
    if (notified !== null)
      notices.push({
        id: `${i.id}-n`,
        assignmentId: i.id,
        kind: 'assignment',
        sentAt: notified,
        messageId: `<${i.id}@dubang.test>`,
        slip: null,
        period: null,
        what: null,
      });
    for (const s of i.slips ?? [])
      notices.push({
        id: `${i.id}-${s.id}-n`,
        assignmentId: i.id,
        kind: 'supervision',
        sentAt: s.issuedAt,
        messageId: `<${s.id}@dubang.test>`,
        slip: s.number,
        period: null,
        what: null,
      });
    for (const [period, day] of Object.entries(i.reports ?? {})) {
      reports.push({
        id: `${i.id}-r-${period}`,
        assignmentId: i.id,
        period,
        dueAt: at(REPORT_DUE[period]!),
        submittedAt: at(`${day}T12:00`),
      });
    }
    for (const e of i.extensions ?? []) extensions.push({ ...e, assignmentId: i.id });
    for (const s of i.slips ?? []) slips.push({ ...s, assignmentId: i.id });
  }
  return {
    units: [
      { id: 'U1', name: '市工信局', kind: 'BUREAU' },
      { id: 'U2', name: '市商务局', kind: 'BUREAU' },
      { id: 'U3', name: '东湖区人民政府', kind: 'COUNTY' },
      { id: 'G', name: '各县(区)人民政府', kind: 'GROUP' },
    ],
    tasks: [
      {
        id: 'T1',
        planId: 'P',
        planSlug: 'plan',
        number: 12,
        text: '推进质量基础设施建设',
        kind: 'deadline',
        dueAt: at('2025-06-30'),
      },
      {
        id: 'T2',
        planId: 'P',
        planSlug: 'plan',
        number: 6,
        text: '长期推进质量文化建设',
        kind: 'standing',
        dueAt: null,
      },
      {
        id: 'T3',
        planId: 'P',
        planSlug: 'plan',
        number: 7,
        text: '每月报送质量监测数据',
        kind: 'standing',
        cadence: 'month',
        dueAt: null,
      },
    ],
    assignments,
    reports,
    extensions,
    slips,
    audit: [{ id: '1', action: 'plan.imported', assignmentId: null, planId: 'P', at: at('2024-12-01T09:00') }],
    notices,
  };
}

function run(items: Item[], over: Partial<AssessmentParams> = {}) {
  return assess(world(items), { year: 2025, asOf: END_2025, zone: ZONE, rubric, isWorkday: weekdaysOnly, ...over });
}
const unit = (r: ReturnType<typeof run>, id = 'U1') => r.units.find((u) => u.unitId === id)!;

describe('scoring crafted histories (year 2025, default rubric)', () => {
  const ext = (
    id: string,
    requested: string,
    until: string,
    decided: string | null,
    status: ExtensionFact['status'] = 'APPROVED',
  ) => ({
    id,
    requestedAt: at(`${requested}T10:00`),
    requestedDueAt: at(until),
    status,
    decidedAt: decided ? at(`${decided}T10:00`) : null,
  });

  it.each<[string, Item, number, Record<string, number>]>([
    [
      'completed on time, Q1 report on time',
      { id: 'a', completed: '2025-06-20', reports: { '2025Q1': '2025-04-08' } },
      100,
      { completedOnTime: 1, reportsDue: 1, reportsOnTime: 1 },
    ],
    [
      'completed late (−2), Q1 and Q2 on time',
      { id: 'a', completed: '2025-08-01', reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-05' } },
      98,
      { completedLate: 1, reportsDue: 2 },
    ],
    ['Q1 report missing (−1)', { id: 'a', completed: '2025-06-20' }, 99, { reportsMissing: 1, reportsDue: 1 }],
    [
      'Q1 report late (−0.5)',
      { id: 'a', completed: '2025-06-20', reports: { '2025Q1': '2025-04-15' } },
      99.5,
      { reportsLate: 1 },
    ],
    [
      'still open after the deadline: overdue (−5), Q1–Q3 on time',
      { id: 'a', reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-08', '2025Q3': '2025-10-09' } },
      95,
      { overdue: 1, reportsDue: 3 },
    ],
    ['overdue and no report at all (−5 −3)', { id: 'a' }, 92, { overdue: 1, reportsMissing: 3 }],
    [
      'extension approved before the deadline, completed before the new date: on time',
      {
        id: 'a',
        completed: '2025-09-20',
        reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-05' },
        extensions: [ext('e1', '2025-06-01', '2025-09-30', '2025-06-10')],
      },
      100,
      { completedOnTime: 1, extensionRequests: 1, extensionsApproved: 1 },
    ],
    [
      'extension approved after the deadline: judged on the original date, completed late (−2)',
      {
        id: 'a',
        completed: '2025-09-20',
        reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-05' },
        extensions: [ext('e1', '2025-06-25', '2025-09-30', '2025-07-05')],
      },
      98,
      { completedLate: 1, extensionsApproved: 1 },
    ],
    [
      'extension approved in time, but still open after the new date: overdue (−5)',
      {
        id: 'a',
        reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-05', '2025Q3': '2025-10-09' },
        extensions: [ext('e1', '2025-06-01', '2025-09-30', '2025-06-10')],
      },
      95,
      { overdue: 1 },
    ],
    [
      'extension rejected: judged on the original date (−2)',
      {
        id: 'a',
        completed: '2025-09-20',
        reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-05' },
        extensions: [ext('e1', '2025-06-01', '2025-09-30', '2025-06-10', 'REJECTED')],
      },
      98,
      { completedLate: 1, extensionsRejected: 1 },
    ],
    [
      'one slip of each colour (−1 −2 −4)',
      {
        id: 'a',
        completed: '2025-06-20',
        reports: { '2025Q1': '2025-04-08' },
        slips: [
          {
            id: 's1',
            number: '督〔2025〕0001号',
            colour: 'BLUE',
            issuedAt: at('2025-03-01T10:00'),
            reason: '报告将到期',
          },
          {
            id: 's2',
            number: '督〔2025〕0002号',
            colour: 'ORANGE',
            issuedAt: at('2025-04-20T10:00'),
            reason: '报告逾期',
          },
          {
            id: 's3',
            number: '督〔2025〕0003号',
            colour: 'RED',
            issuedAt: at('2025-05-20T10:00'),
            reason: '领导督办后仍未报送',
          },
        ],
      },
      93,
      { completedOnTime: 1 },
    ],
    [
      'acknowledged late: 3 workdays from Thu 2 Jan end Tue 7 Jan (−0.5)',
      { id: 'a', acked: '2025-01-08T09:00', completed: '2025-06-20', reports: { '2025Q1': '2025-04-08' } },
      99.5,
      { acksDue: 1, acksLate: 1 },
    ],
    [
      'acknowledged on the last day: not late',
      { id: 'a', acked: '2025-01-07T17:00', completed: '2025-06-20', reports: { '2025Q1': '2025-04-08' } },
      100,
      { acksLate: 0 },
    ],
    [
      'never acknowledged (−0.5), overdue, no reports',
      { id: 'a', acked: null },
      91.5,
      { acksLate: 1, overdue: 1, reportsMissing: 3 },
    ],
    [
      'cancelled before the deadline: not judged; the Q1 report it owed is missing',
      { id: 'a', cancelled: '2025-05-01' },
      99,
      { overdue: 0, open: 0, reportsDue: 1, reportsMissing: 1 },
    ],
    [
      'standing task, annual summary on time',
      { id: 'a', task: 'T2', reports: { '2025Y': '2025-12-05' } },
      100,
      { standingItems: 1, reportsDue: 1, overdue: 0 },
    ],
    [
      'standing task, annual summary late (−0.5)',
      { id: 'a', task: 'T2', reports: { '2025Y': '2025-12-15' } },
      99.5,
      { reportsLate: 1 },
    ],
    [
      'standing task, annual summary missing (−1); never overdue',
      { id: 'a', task: 'T2' },
      99,
      { reportsMissing: 1, overdue: 0, open: 0 },
    ],
  ])('%s → %s', (_name, item, score, counts) => {
    const u = unit(run([item]));
    expect(u.score).toBe(score);
    expect(u.counts).toMatchObject(counts);
    expect(u.deducted).toBe(100 - score);
    expect(u.deductions.reduce((s, d) => s + d.points, 0)).toBeCloseTo(100 - score, 10);
  });

  it('a 每月 task owes the monthly reports due in the year (2025M01 … 2025M11) and nothing else: no quarter, no annual summary', () => {
    const u = unit(run([{ id: 'a', task: 'T3', reports: { '2025M01': '2025-02-05', '2025M02': '2025-03-10' } }]));
    expect(u.counts).toMatchObject({
      standingItems: 1,
      reportsDue: 11,
      reportsOnTime: 1,
      reportsLate: 1,
      reportsMissing: 9,
    });
    expect(u.score).toBe(100 - 0.5 - 9);
    const reasons = u.deductions.map((d) => d.reason);
    expect(reasons).toContain(
      '任务(7)2025年2月进展报告应于2025-03-07前报送，实际于2025-03-10报送；依据任务交办通知（2025年1月2日 10:00发出，Message-ID <a@dubang.test>）',
    );
    expect(
      reasons.some((r) => r.startsWith('任务(7)2025年11月进展报告应于2025-12-05前报送，截至2025-12-31未报送')),
    ).toBe(true);
    expect(reasons.some((r) => /季度|年度总结/.test(r))).toBe(false);
  });

  it('explains each deduction in Chinese and cites the rows, audit events and the notice that asked', () => {
    const r = run([
      {
        id: 'a',
        acked: null,
        extensions: [ext('e1', '2025-06-25', '2025-09-30', '2025-07-05')],
        slips: [
          {
            id: 's9',
            number: '督〔2025〕0009号',
            colour: 'ORANGE',
            issuedAt: at('2025-07-02T10:00'),
            reason: '逾期未完成',
          },
        ],
      },
    ]);
    const d = unit(r).deductions;
    expect(d.map((x) => x.kind)).toEqual([
      'overdue',
      'reportMissing',
      'reportMissing',
      'reportMissing',
      'ackLate',
      'slipOrange',
    ]);
    expect(d[0]).toMatchObject({
      task: 12,
      dueAt: '2025-06-30T15:59:59.999Z',
      reason:
        '任务(12)完成时限为2025-06-30，截至2025-12-31仍未完成；延期申请于2025-07-05批准，晚于当时的完成时限，仍按原定时限考核；依据任务交办通知（2025年1月2日 10:00发出，Message-ID <a@dubang.test>）',
      evidence: [
        { type: 'Assignment', id: 'a' },
        { type: 'AuditEvent', id: '1' },
        { type: 'Extension', id: 'e1' },
        { type: 'Notice', id: 'a-n' },
      ],
    });
    expect(d[1]).toMatchObject({
      period: '2025Q1',
      reason:
        '任务(12)2025年第一季度进展报告应于2025-04-10前报送，截至2025-12-31未报送；依据任务交办通知（2025年1月2日 10:00发出，Message-ID <a@dubang.test>）',
    });
    expect(d[4]!.reason).toBe(
      '任务(12)应于2025-01-07前签收，截至2025-12-31未签收；依据任务交办通知（2025年1月2日 10:00发出，Message-ID <a@dubang.test>）',
    );
    expect(d[5]).toMatchObject({
      slip: '督〔2025〕0009号',
      evidence: [
        { type: 'SupervisionSlip', id: 's9' },
        { type: 'Notice', id: 'a-s9-n' },
      ],
      notice: { kind: '督办通知', sentAt: '2025年7月2日 10:00', slip: '督〔2025〕0009号' },
    });
    for (const x of d) expect(x.evidence.length).toBeGreaterThan(0);
  });

  it('an item still open a year later is overdue again in the next year; its 2025 reports are not counted twice', () => {
    const item: Item = {
      id: 'a',
      reports: { '2025Q1': '2025-04-08', '2025Q2': '2025-07-05', '2025Q3': '2025-10-09', '2025Q4': '2026-01-08' },
    };
    const r = run([item], { year: 2026, asOf: Date.parse('2027-01-01T00:00:00+08:00') });
    // 2026: overdue (−5), 2025Q4 on time, 2026Q1–Q3 missing (−3)
    expect(unit(r).score).toBe(92);
    expect(unit(r).counts).toMatchObject({ overdue: 1, reportsDue: 4, reportsOnTime: 1, reportsMissing: 3 });
  });

  it('an item completed in an earlier year is not in the year at all', () => {
    const r = run([{ id: 'a', completed: '2025-06-20', reports: { '2025Q1': '2025-04-08' } }], {
      year: 2026,
      asOf: Date.parse('2027-01-01T00:00:00+08:00'),
    });
    expect(r.units).toEqual([]);
  });
});

describe('as-of snapshots and reproducibility', () => {
  const items: Item[] = [
    { id: 'a', completed: '2025-06-20', reports: { '2025Q1': '2025-04-15' } },
    { id: 'b', unit: 'U2' },
    { id: 'c', unit: 'U3', role: 'IMPLICIT', task: 'T2', reports: { '2025Y': '2025-12-01' } },
  ];

  it('ignores everything after the as-of instant: a completion and a report that came later do not count yet', () => {
    const r = run(items, { asOf: at('2025-05-01T00:00') });
    expect(r.interim).toBe(true);
    expect(r.asOf).toBe('2025-04-30T16:00:00.000Z');
    expect(unit(r).counts).toMatchObject({ completedOnTime: 0, open: 1, reportsDue: 1, reportsLate: 1 });
    expect(unit(r).score).toBe(99.5);
  });

  it('clamps the as-of instant to the year end: a later recomputation of 2025 gives the same result', () => {
    const a = run(items);
    const b = run(items, { asOf: Date.parse('2030-01-01T00:00:00Z') });
    expect(b).toEqual(a);
    expect(a.interim).toBe(false);
  });

  it('does not depend on the order rows arrive in', () => {
    const f = world(items);
    const shuffled: AssessmentFacts = {
      ...f,
      assignments: [...f.assignments].reverse(),
      reports: [...f.reports].reverse(),
      units: [...f.units].reverse(),
    };
    const p = { year: 2025, asOf: END_2025, zone: ZONE, rubric, isWorkday: weekdaysOnly };
    expect(JSON.stringify(assess(shuffled, p))).toBe(JSON.stringify(assess(f, p)));
  });

  it('refuses an as-of instant before the year starts', () => {
    expect(() => run(items, { asOf: at('2024-12-31T12:00') })).toThrow(
      expect.objectContaining({ name: 'AssessmentInputError' }),
    );
  });
});

describe('rubric', () => {
  it('grades on the national scale: A ≥ 90, B 80–89, C 60–79, D < 60', () => {
    expect([100, 90, 89.5, 80, 79.5, 60, 59.5, 0].map((s) => gradeOf(s, rubric).grade)).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
    ]);
  });

  it('ranks by score with shared ranks for equal scores, skips group/office units, counts implicit units by default', () => {
    const r = run([
      { id: 'a', completed: '2025-06-20', reports: { '2025Q1': '2025-04-08' } },
      { id: 'b', unit: 'U2', completed: '2025-06-20', reports: { '2025Q1': '2025-04-08' } },
      { id: 'c', unit: 'U3', role: 'IMPLICIT' },
      { id: 'g', unit: 'G' },
    ]);
    expect(r.units.map((u) => [u.unit, u.rank, u.score, u.grade])).toEqual([
      ['市工信局', 1, 100, 'A'],
      ['市商务局', 1, 100, 'A'],
      ['东湖区人民政府', 3, 92, 'A'],
    ]);
    expect(r.totals).toMatchObject({ units: 3, assignments: 3, overdue: 1, grades: { A: 3, B: 0, C: 0, D: 0 } });
  });

  it('can leave implicit (rule-bound) assignments out', () => {
    const r = run([{ id: 'c', unit: 'U3', role: 'IMPLICIT' }], { rubric: { ...rubric, roles: ['LEAD', 'CO'] } });
    expect(r.units).toEqual([]);
  });

  it('applies a ceiling per kind and never goes below the floor', () => {
    // 15 overdue items with no reports: 15 × (5 + 3) = 120 points off a base of 100
    const floor = run(Array.from({ length: 15 }, (_, i) => ({ id: `x${i}` })));
    expect(floor.units[0]).toMatchObject({ score: 0, grade: 'D', deducted: 100 });
    const capped = run([{ id: 'a' }, { id: 'b' }, { id: 'c' }], {
      rubric: {
        ...rubric,
        deductions: { ...rubric.deductions, overdue: { points: 5, cap: 10 }, reportMissing: { points: 1, cap: 2.5 } },
      },
    });
    // 3 overdue (15, capped at 10) + 9 missing reports (9, capped at 2.5)
    expect(unit(capped).score).toBe(87.5);
    expect(unit(capped).byKind).toEqual([
      { kind: 'overdue', count: 3, points: 15, applied: 10 },
      { kind: 'reportMissing', count: 9, points: 9, applied: 2.5 },
    ]);
  });

  it('a plan in force since before it was imported: its past obligations are shown, not counted, until a notice asks', () => {
    // Before judging by notices, the plan's effective date made 2024Q4…2025Q3 missing (−4) and the
    // deadline overdue (−5) although nobody had been told: now the unit, asked nothing in 2025 (its
    // 交办通知 went out in November 2026), is listed but not graded, the overdue item 「未通知，不计」.
    const item: Item = { id: 'a', created: '2026-11-26T10:00' };
    expect(run([item]).units).toEqual([]);
    const r = run([item], { planEffectiveFrom: { P: Date.parse('2024-04-10T00:00:00+08:00') } });
    expect(r.units).toEqual([]);
    expect(r.unassessed.map((u) => [u.unit, u.uncounted.map((x) => x.kind)])).toEqual([['市工信局', ['overdue']]]);
    expect(r.unassessed[0]!.counts).toMatchObject({ reportsDue: 0, overdue: 0, acksDue: 0, uncounted: 1 });
  });
});

describe('calendars', () => {
  it('the 2025 window is the calendar year in Shanghai; a July–June year is named by the year it ends in', () => {
    const w = assessmentWindow(2025, 1, ZONE);
    expect([new Date(w.start).toISOString(), new Date(w.end).toISOString()]).toEqual([
      '2024-12-31T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
    ]);
    const n = assessmentWindow(2025, 7, ZONE);
    expect([new Date(n.start).toISOString(), new Date(n.end).toISOString()]).toEqual([
      '2024-06-30T16:00:00.000Z',
      '2025-06-30T16:00:00.000Z',
    ]);
    expect([yearLabel(2025, 1), yearLabel(2025, 7)]).toEqual(['2025年度', '2024—2025年度']);
  });

  it('quarterly reports fall due on the 10th day after the quarter, annual summaries on 10 Dec', () => {
    const w = assessmentWindow(2025, 1, ZONE);
    const q = reportPeriodsDue('quarterly', w.start, w.end, ZONE, rubric.reports);
    expect(q.map((p) => [p.period, new Date(p.dueAt).toISOString()])).toEqual([
      ['2024Q4', '2025-01-10T15:59:59.999Z'],
      ['2025Q1', '2025-04-10T15:59:59.999Z'],
      ['2025Q2', '2025-07-10T15:59:59.999Z'],
      ['2025Q3', '2025-10-10T15:59:59.999Z'],
    ]);
    expect(
      reportPeriodsDue('annual', w.start, w.end, ZONE, rubric.reports).map((p) => [
        p.period,
        new Date(p.dueAt).toISOString(),
      ]),
    ).toEqual([['2025Y', '2025-12-10T15:59:59.999Z']]);
  });

  it('a July–June year counts the reports due in it', () => {
    const r = run([{ id: 'a' }], { rubric: { ...rubric, yearStartMonth: 7 }, asOf: END_2025 });
    // window 2024-07-01 … 2025-07-01: 2025Q1 (10 Apr) is the only period due after creation (2 Jan 2025); deadline 30 Jun 2025 passed
    expect(r.label).toBe('2024—2025年度');
    expect(unit(r).counts).toMatchObject({ reportsDue: 1, overdue: 1 });
  });
});

describe('configuration', () => {
  it('defaults to the documented rubric', () => {
    const c = parseAssessmentConfig({});
    expect(c.deductions).toMatchObject({
      overdue: { points: 5 },
      completedLate: { points: 2 },
      reportMissing: { points: 1 },
      reportLate: { points: 0.5 },
      ackLate: { points: 0.5 },
      slipBlue: { points: 1 },
      slipOrange: { points: 2 },
      slipRed: { points: 4 },
    });
    expect(c.roles).toEqual(['LEAD', 'CO', 'IMPLICIT']);
    expect(c.schedule).toEqual({ cron: '0 9 20 12 *', timezone: 'Asia/Shanghai', catchupWindow: '1 day' });
  });

  it('names the bad key', () => {
    expect(() => parseAssessmentConfig({ deductions: { overdue: { points: -1 } } })).toThrow(
      /deductions\.overdue\.points: must be ≥ 0/,
    );
    expect(() => parseAssessmentConfig({ reports: { annualDue: '12/10' } })).toThrow(/reports\.annualDue: MM-DD/);
  });
});
