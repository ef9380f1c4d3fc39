/**
 * The assessment judges only what was asked: an acknowledgement, report, deadline or slip counts
 * against a unit only once a delivered notice asked for it; report periods count from the
 * assignment's supervisedFrom; a deadline already past when the unit was first told is judged from
 * the first delivered 督办 (or catch-up letter listing it); every deduction cites its notice; what
 * was never asked is listed as 「未通知，不计」. Year 2026, supervision started late in the year.
 */
import {
  assess,
  weekdaysOnly,
  type AssessmentFacts,
  type AssignmentFact,
  type NoticeFact,
  type ReportFact,
  type SlipFact,
} from '../../domain/assessment';
import { parseAssessmentConfig, rubricOf } from '../../config/assessment';

const ZONE = 'Asia/Shanghai';
const rubric = rubricOf(parseAssessmentConfig({}));
const at = (s: string): number => Date.parse(s.length === 10 ? `${s}T23:59:59.999+08:00` : `${s}:00+08:00`);
const END_2026 = Date.parse('2027-01-01T00:00:00+08:00');
/** T1 fell due before supervision began; T2 falls due while supervised */
const DUE: Record<string, number> = { T1: at('2025-12-31'), T2: at('2026-12-20') };

interface Case {
  unit?: 'U' | 'C';
  task?: 'T1' | 'T2';
  supervised?: string | null;
  acked?: string;
  /** delivered notices: kind, sent (local), and the period / slip / catch-up item they name */
  notices?: { kind: string; sent: string; period?: string; slip?: string; what?: 'deadline' | 'report' }[];
  reports?: Record<string, string>;
  slips?: { number: string; issued: string }[];
}

function facts(c: Case): AssessmentFacts {
  const task = c.task ?? 'T1';
  const supervised = c.supervised === null ? null : at(c.supervised ?? '2026-12-01T10:00');
  const a: AssignmentFact = {
    id: 'a',
    taskId: task,
    unitId: c.unit ?? 'U',
    role: c.unit === 'C' ? 'IMPLICIT' : 'LEAD',
    state: 'IN_PROGRESS',
    dueAt: DUE[task]!,
    originalDueAt: DUE[task]!,
    acknowledgedAt: c.acked ? at(c.acked) : null,
    completedAt: null,
    cancelledAt: null,
    createdAt: at('2024-04-20T10:00'),
    supervisedFrom: supervised,
  };
  const quarterDue: Record<string, string> = { '2026Q1': '2026-04-10', '2026Q2': '2026-07-10', '2026Q3': '2026-10-10' };
  const reports: ReportFact[] = Object.entries(c.reports ?? {}).map(([period, day]) => ({
    id: `r-${period}`,
    assignmentId: 'a',
    period,
    dueAt: at(quarterDue[period]!),
    submittedAt: at(`${day}T12:00`),
  }));
  const slips: SlipFact[] = (c.slips ?? []).map((s, i) => ({
    id: `s${i}`,
    assignmentId: 'a',
    number: s.number,
    colour: 'BLUE',
    issuedAt: at(s.issued),
    reason: '逾期未完成',
  }));
  const notices: NoticeFact[] = (c.notices ?? []).map((n, i) => ({
    id: `n${i}`,
    assignmentId: 'a',
    kind: n.kind,
    sentAt: at(n.sent),
    messageId: `<n${i}@dubang.test>`,
    slip: n.slip ?? null,
    period: n.period ?? null,
    what: n.what ?? null,
  }));
  return {
    units: [
      { id: 'U', name: '市市场监管局', kind: 'BUREAU' },
      { id: 'C', name: '南昌县人民政府', kind: 'COUNTY' },
    ],
    tasks: [
      {
        id: 'T1',
        planId: 'P',
        planSlug: 'plan',
        number: 3,
        text: '健全质量基础设施',
        kind: 'deadline',
        dueAt: DUE.T1!,
      },
      { id: 'T2', planId: 'P', planSlug: 'plan', number: 9, text: '推进品牌建设', kind: 'deadline', dueAt: DUE.T2! },
    ],
    assignments: [a],
    reports,
    extensions: [],
    slips,
    audit: [{ id: '1', action: 'plan.imported', assignmentId: null, planId: 'P', at: at('2024-04-20T10:00') }],
    notices,
  };
}

const judge = (c: Case, asOf = END_2026) =>
  assess(facts(c), {
    year: 2026,
    asOf,
    zone: ZONE,
    rubric,
    isWorkday: weekdaysOnly,
    planEffectiveFrom: { P: at('2024-04-10T00:00') },
  });

const ASSIGNED = { kind: 'assignment', sent: '2026-12-01T10:05' };
const SUPERVISION = { kind: 'supervision', sent: '2026-12-02T09:00', slip: '督〔2026〕0001号' };

describe('judged only on what a delivered notice asked', () => {
  it.each<[string, Case, number | null, string[], string[]]>([
    // [case, history, score (null = not graded), deductions, uncounted]
    [
      'rule-bound county never notified: not graded; its overdue task and acknowledgement shown, not counted',
      { unit: 'C' },
      null,
      [],
      ['overdue', 'ack'],
    ],
    [
      'no notice delivered by the as-of instant (the letter went out in January): not graded',
      { notices: [{ kind: 'assignment', sent: '2027-01-05T09:00' }] },
      null,
      [],
      ['overdue', 'ack'],
    ],
    [
      'told only of an Office decision: asked nothing, not graded',
      { notices: [{ kind: 'decision', sent: '2026-12-10T09:00' }] },
      null,
      [],
      ['overdue', 'ack'],
    ],
    [
      '交办通知 only, after the deadline had passed: acknowledgement late (−0.5); the old deadline waits for a 督办',
      { notices: [ASSIGNED] },
      99.5,
      ['ackLate'],
      ['overdue'],
    ],
    [
      'then a 督办 with its slip: overdue from the 督办 (−5), the blue slip (−1), acknowledgement late (−0.5)',
      { notices: [ASSIGNED, SUPERVISION], slips: [{ number: '督〔2026〕0001号', issued: '2026-12-02T09:00' }] },
      93.5,
      ['overdue', 'ackLate', 'slipBlue'],
      [],
    ],
    [
      'a catch-up letter listing the item sets the clock and asks for the acknowledgement',
      { notices: [{ kind: 'catchup_unit', sent: '2026-12-01T10:05', what: 'deadline' }] },
      94.5,
      ['overdue', 'ackLate'],
      [],
    ],
    [
      'a slip issued but its notice never delivered costs nothing',
      {
        notices: [ASSIGNED],
        acked: '2026-12-02T09:00',
        slips: [{ number: '督〔2026〕0002号', issued: '2026-12-02T09:00' }],
      },
      100,
      [],
      ['overdue', 'slip'],
    ],
    [
      'acknowledged in time, deadline already past, no 督办 yet: nothing counted against the unit',
      { notices: [ASSIGNED], acked: '2026-12-03T09:00' },
      100,
      [],
      ['overdue'],
    ],
    [
      'supervised from 15 June: 2026Q1 (due before) not owed; Q2 and Q3 asked by the 交办通知 and missing (−2); T2 told before its deadline, overdue (−5)',
      {
        task: 'T2',
        supervised: '2026-06-15T10:00',
        acked: '2026-06-16T09:00',
        notices: [{ kind: 'assignment', sent: '2026-06-15T10:05' }],
      },
      93,
      ['overdue', 'reportMissing', 'reportMissing'],
      [],
    ],
    [
      'a report first asked after its due day by a 催办 is due 3 workdays after it: submitted in time; Q3 never asked',
      {
        task: 'T2',
        supervised: '2026-06-15T10:00',
        notices: [{ kind: 'report_chase', sent: '2026-07-15T09:00', period: '2026Q2' }],
        reports: { '2026Q2': '2026-07-20' },
      },
      100,
      [],
      ['overdue', 'report', 'ack'],
    ],
    [
      'the same report submitted after those 3 workdays is late (−0.5)',
      {
        task: 'T2',
        supervised: '2026-06-15T10:00',
        notices: [{ kind: 'report_chase', sent: '2026-07-15T09:00', period: '2026Q2' }],
        reports: { '2026Q2': '2026-07-21' },
      },
      99.5,
      ['reportLate'],
      ['overdue', 'report', 'ack'],
    ],
  ])('%s', (_name, c, score, kinds, uncounted) => {
    const r = judge(c);
    const all = [...r.units, ...r.unassessed];
    expect(all).toHaveLength(1);
    const u = all[0]!;
    if (score === null) {
      expect(r.units).toEqual([]);
    } else {
      expect(r.units[0]!.score).toBe(score);
      expect(r.units[0]!.deductions.map((d) => d.kind).sort()).toEqual([...kinds].sort());
    }
    expect(u.uncounted.map((x) => x.kind).sort()).toEqual([...uncounted].sort());
    for (const x of u.uncounted) expect(x.reason).toMatch(/（未通知，不计）$/);
    expect(u.counts.uncounted).toBe(uncounted.length);
  });

  it('charges no report period due before supervision began, even with a reminder naming it', () => {
    const r = judge({
      task: 'T2',
      notices: [ASSIGNED, { kind: 'report_chase', sent: '2026-12-02T09:00', period: '2026Q3' }],
      acked: '2026-12-02T09:00',
    });
    expect(r.units[0]!.counts).toMatchObject({ reportsDue: 0, reportsMissing: 0 });
    expect(r.units[0]!.deductions.filter((d) => d.period !== null)).toEqual([]);
  });

  it('cites the asking notice in every deduction: kind in Chinese, Shanghai time, Message-ID or slip number', () => {
    const r = judge({
      notices: [ASSIGNED, SUPERVISION],
      slips: [{ number: '督〔2026〕0001号', issued: '2026-12-02T09:00' }],
    });
    const d = r.units[0]!.deductions;
    const overdue = d.find((x) => x.kind === 'overdue')!;
    expect(overdue).toMatchObject({
      dueAt: '2026-12-02T01:00:00.000Z',
      notice: { id: 'n1', kind: '督办通知', sentAt: '2026年12月2日 09:00', slip: '督〔2026〕0001号' },
      reason:
        '任务(3)完成时限为2025-12-31，截至2026-12-31仍未完成（时限届满前未通知，自2026-12-02督办通知送达起计）；依据督办通知（2026年12月2日 09:00发出，督办单督〔2026〕0001号）',
    });
    expect(overdue.evidence).toContainEqual({ type: 'Notice', id: 'n1' });
    const ack = d.find((x) => x.kind === 'ackLate')!;
    expect(ack).toMatchObject({
      dueAt: '2026-12-04T15:59:59.999Z',
      notice: { kind: '任务交办通知', sentAt: '2026年12月1日 10:05', messageId: '<n0@dubang.test>', slip: null },
    });
    expect(ack.reason).toContain('依据任务交办通知（2026年12月1日 10:05发出，Message-ID <n0@dubang.test>）');
    for (const x of d) expect(x.notice).not.toBeNull();
  });

  it('recomputes a closed year the same whenever it runs: notices delivered after it change nothing', () => {
    const c: Case = { notices: [ASSIGNED] };
    const later: Case = {
      notices: [ASSIGNED, { kind: 'supervision', sent: '2027-01-04T09:00', slip: '督〔2027〕0001号' }],
    };
    expect(judge(later, Date.parse('2031-01-01T00:00:00Z'))).toEqual({
      ...judge(c),
      sources: { ...judge(c).sources, notices: 2 },
    });
  });
});
