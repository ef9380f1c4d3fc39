import * as fs from 'node:fs';
import { loadConfig } from '../../config';
import { policySchema } from '../../config/policy-schema';
import { interpretDeadline } from '../../domain/deadline';
import type { PlannedNotice } from '../../domain/notices';
import { parsePlanText } from '../../domain/plan/parse';
import {
  cycleEndOf,
  cycleOf,
  cycleSummary,
  cycleAt,
  planAssignmentNotices,
  planCatchUp,
  policyCalendar,
  previewPlan,
  reportPeriods,
  settleMissed,
  type PlanAssignment,
  type PlanTask,
  type Policy,
} from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { REAL_PLAN } from '../helpers/paths';

const config = loadConfig({});
const policy = config.policy as Policy;
const cal = policyCalendar(policy);
const sh = (local: string) => `${local}+08:00`;
const END_2025 = '2025-12-31T23:59:59.999+08:00';

/** compact rows for table assertions: at (local, no offset), kind, detail */
function rows(ns: PlannedNotice[]): string[] {
  return ns.map((n) => {
    const detail = [n.period, n.slip, n.level !== undefined ? `L${n.level}` : undefined, n.to.join('+')]
      .filter(Boolean)
      .join(' ');
    return `${n.at.slice(0, 16)} ${n.kind} ${detail}`;
  });
}

const task: PlanTask = { number: 12, kind: 'deadline', dueAt: END_2025 };
const fresh = (over: Partial<PlanAssignment> = {}): PlanAssignment => ({
  unit: '市市场监管局',
  role: 'LEAD',
  state: 'ASSIGNED',
  assignedAt: sh('2025-09-25T10:00:00'),
  dueAt: END_2025,
  originalDueAt: END_2025,
  reportedPeriods: [],
  ...over,
});

describe('the default policy (config/policy.json)', () => {
  it('validates, and the seconds policy validates against the same schema', () => {
    expect(policy.calendar).toEqual({
      zone: 'Asia/Shanghai',
      officeHours: { start: '09:00', end: '17:30' },
      workdaysOnly: true,
    });
    expect(policySchema.parse(JSON.parse(JSON.stringify(secondsPolicy())))).toEqual(secondsPolicy());
  });

  it.each([
    [
      'kinds.deadline.reports.dueAfterEnd',
      { days: 10, workdays: 1 },
      /kinds\.deadline\.reports\.dueAfterEnd: a span with exactly one of/,
    ],
    [
      'kinds.deadline.acknowledgement.steps.0.after',
      { workdays: -3 },
      /kinds\.deadline\.acknowledgement\.steps\.0\.after/,
    ],
    ['kinds.standing.cycle.summary', { due: '12/10' }, /kinds\.standing\.cycle\.summary/],
    ['calendar.officeHours.start', '9:00', /calendar\.officeHours\.start: HH:mm/],
    ['kinds.deadline.deadline.overdue.to', ['mayor'], /kinds\.deadline\.deadline\.overdue\.to\.0/],
  ] as const)('a bad policy file stops start-up naming the key (%s)', (key, value, msg) => {
    const os = jest.requireActual<typeof import('node:os')>('node:os');
    const path = jest.requireActual<typeof import('node:path')>('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-policy-'));
    fs.cpSync(path.join(__dirname, '..', '..', 'config'), dir, { recursive: true });
    const p = JSON.parse(fs.readFileSync(path.join(dir, 'policy.json'), 'utf8'));
    const keys = key.split('.');
    const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, p);
    parent[keys[keys.length - 1]!] = value;
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(p));
    try {
      expect(() => loadConfig({ DUBANG_CONFIG_DIR: dir })).toThrow(msg);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one deadline assignment across National Day, the deadline and Spring Festival', () => {
  const plan = planAssignmentNotices({
    task,
    assignment: fresh(),
    policy,
    calendar: cal,
    now: sh('2025-09-25T10:00:00'),
    horizon: sh('2026-03-31T00:00:00'),
  });

  it('plans every notice kind at the right office-hours moment', () => {
    expect(rows(plan)).toEqual([
      '2025-09-25T10:00 assignment liaison+leader',
      '2025-09-26T09:00 report_reminder 2025Q3 liaison', // 5 workdays before 10 Oct, counting make-up Sunday 28 Sep
      '2025-09-29T10:00 ack_reminder L1 liaison', // 3 workdays: 26 Sep, make-up 28 Sep, 29 Sep
      '2025-10-09T09:00 report_reminder 2025Q3 liaison', // 1 workday before, across National Day
      '2025-10-10T10:00 ack_escalation L2 leader', // 6 workdays: …, 30 Sep, 9 Oct, 10 Oct
      '2025-10-11T09:00 report_chase 2025Q3 L1 liaison', // next workday after 10 Oct is make-up Saturday 11 Oct
      '2025-10-14T09:00 report_chase 2025Q3 L2 leader',
      '2025-10-16T09:00 report_chase 2025Q3 L3 office',
      '2025-12-01T09:00 deadline_reminder liaison+leader', // 30 days before
      '2025-12-24T09:00 supervision BLUE L1 liaison+leader', // 7 days before, nothing moved: the blue slip replaces the reminder
      '2025-12-30T09:00 deadline_reminder liaison+leader', // 1 workday before
      '2026-01-04T09:00 supervision ORANGE L2 office+leader', // first workday after the deadline is make-up Sunday 4 Jan
      '2026-01-05T09:00 report_reminder 2025Q4 liaison',
      '2026-01-09T09:00 report_reminder 2025Q4 liaison',
      '2026-01-12T09:00 report_chase 2025Q4 L1 liaison',
      '2026-01-12T09:00 supervision ORANGE L2 office+leader', // weekly: Sunday 11 Jan waits for Monday
      '2026-01-14T09:00 report_chase 2025Q4 L2 leader',
      '2026-01-16T09:00 report_chase 2025Q4 L3 office',
      '2026-01-19T09:00 supervision ORANGE L2 office+leader',
      '2026-01-22T09:00 supervision ORANGE L3 office+leader+leadership', // leadership after 15 workdays
      '2026-02-24T09:00 supervision RED L3 office+leader+leadership', // monthly: 22 Feb is inside Spring Festival
      '2026-03-23T09:00 supervision RED L3 office+leader+leadership',
    ]);
  });

  it('carries the data the notification pipeline needs', () => {
    const chase = plan.find((n) => n.kind === 'report_chase')!;
    expect(chase).toEqual({
      kind: 'report_chase',
      at: '2025-10-11T09:00:00.000+08:00',
      nominalAt: '2025-10-11T09:00:00.000+08:00',
      task: 12,
      unit: '市市场监管局',
      to: ['liaison'],
      slip: null,
      level: 1,
      period: '2025Q3',
      dueAt: '2025-10-10T23:59:59.999+08:00',
    });
    const first = plan.find((n) => n.slip === 'ORANGE')!;
    expect(first.nominalAt).toBe('2026-01-01T00:00:00.000+08:00');
    expect(first.dueAt).toBe(END_2025);
    // JSON round trip: workflow payloads are JSON
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('returns only what is still to come', () => {
    const later = planAssignmentNotices({
      task,
      assignment: fresh(),
      policy,
      calendar: cal,
      now: sh('2026-01-12T09:00:00'),
      horizon: sh('2026-01-20T00:00:00'),
    });
    expect(rows(later)).toEqual([
      '2026-01-12T09:00 report_chase 2025Q4 L1 liaison',
      '2026-01-12T09:00 supervision ORANGE L2 office+leader',
      '2026-01-14T09:00 report_chase 2025Q4 L2 leader',
      '2026-01-16T09:00 report_chase 2025Q4 L3 office',
      '2026-01-19T09:00 supervision ORANGE L2 office+leader',
    ]);
  });

  it('follows the state: acknowledged and reporting units get no chase and no blue slip', () => {
    const a = fresh({ state: 'IN_PROGRESS', acknowledgedAt: sh('2025-09-26T11:00:00'), reportedPeriods: ['2025Q3'] });
    const p = planAssignmentNotices({
      task,
      assignment: a,
      policy,
      calendar: cal,
      now: sh('2025-09-26T12:00:00'),
      horizon: sh('2025-12-31T00:00:00'),
    });
    expect(rows(p)).toEqual([
      '2025-12-01T09:00 deadline_reminder liaison+leader',
      '2025-12-24T09:00 deadline_reminder liaison+leader',
      '2025-12-30T09:00 deadline_reminder liaison+leader',
    ]);
  });

  it('gives closed assignments nothing, and implicit units nothing when notifyRoles leaves IMPLICIT out', () => {
    const leadCo: Policy = { ...policy, notifyRoles: ['LEAD', 'CO'] };
    const now = sh('2025-09-25T10:00:00');
    for (const a of [fresh({ state: 'COMPLETED' }), fresh({ state: 'CANCELLED' })]) {
      expect(planAssignmentNotices({ task, assignment: a, policy, calendar: cal, now })).toEqual([]);
    }
    const implicit = fresh({ role: 'IMPLICIT' });
    expect(planAssignmentNotices({ task, assignment: implicit, policy: leadCo, calendar: cal, now })).toEqual([]);
    // the shipped policy notifies the rule-bound units like the others (config/policy.json notifyRoles)
    expect(policy.notifyRoles).toEqual(['LEAD', 'CO', 'IMPLICIT']);
    const asImplicit = planAssignmentNotices({ task, assignment: implicit, policy, calendar: cal, now });
    const asCo = planAssignmentNotices({ task, assignment: fresh({ role: 'CO' }), policy, calendar: cal, now });
    expect(asCo.length).toBeGreaterThan(0);
    expect(asImplicit.map((n) => [n.kind, n.at])).toEqual(asCo.map((n) => [n.kind, n.at]));
  });
});

describe('re-planning after inputs', () => {
  it('an approved extension re-times every deadline notice', () => {
    const a = fresh({
      state: 'IN_PROGRESS',
      acknowledgedAt: sh('2025-09-26T11:00:00'),
      reportedPeriods: ['2025Q3', '2025Q4'],
      dueAt: '2026-03-31T23:59:59.999+08:00',
    });
    const p = planAssignmentNotices({
      task,
      assignment: a,
      policy,
      calendar: cal,
      now: sh('2025-12-20T10:00:00'),
      horizon: sh('2026-04-10T00:00:00'),
    });
    expect(rows(p).filter((r) => !r.includes('report_'))).toEqual([
      '2026-03-02T09:00 deadline_reminder liaison+leader', // 30 days before is Sunday 1 Mar
      '2026-03-24T09:00 deadline_reminder liaison+leader',
      '2026-03-30T09:00 deadline_reminder liaison+leader',
      '2026-04-01T09:00 supervision ORANGE L2 office+leader',
      '2026-04-08T09:00 supervision ORANGE L2 office+leader',
    ]);
    expect(p.every((n) => n.kind !== 'supervision' || n.dueAt === '2026-03-31T23:59:59.999+08:00')).toBe(true);
  });

  it('a completion request stops the unit’s reminders and reminds the Office after 5 workdays', () => {
    const a = fresh({
      state: 'COMPLETION_REQUESTED',
      acknowledgedAt: sh('2025-09-26T11:00:00'),
      completionRequestedAt: sh('2025-12-24T15:00:00'),
    });
    const p = planAssignmentNotices({
      task,
      assignment: a,
      policy,
      calendar: cal,
      now: sh('2025-12-24T15:00:00'),
      horizon: sh('2026-01-20T00:00:00'),
    });
    expect(rows(p)).toEqual([
      '2025-12-31T15:00 completion_review L1 office',
      '2026-01-08T15:00 completion_review L2 office', // 5 workdays later: make-up Sunday 4 Jan counts
      '2026-01-15T15:00 completion_review L3 office',
    ]);
  });

  it('a pending extension request reminds the Office after 3 workdays', () => {
    const a = fresh({
      state: 'EXTENSION_REQUESTED',
      acknowledgedAt: sh('2025-09-26T11:00:00'),
      reportedPeriods: ['2025Q3'],
      pendingExtension: { requestedDueAt: '2026-06-30T23:59:59.999+08:00', requestedAt: sh('2025-12-10T11:00:00') },
    });
    const p = planAssignmentNotices({
      task,
      assignment: a,
      policy,
      calendar: cal,
      now: sh('2025-12-10T11:00:00'),
      horizon: sh('2025-12-20T00:00:00'),
    });
    expect(rows(p)).toEqual([
      '2025-12-15T11:00 extension_review L1 office',
      '2025-12-18T11:00 extension_review L2 office',
    ]);
  });
});

describe('standing (长期) tasks', () => {
  const standing: PlanTask = { number: 79, kind: 'standing', dueAt: null };
  const a = fresh({
    state: 'ONGOING',
    acknowledgedAt: sh('2026-11-26T11:00:00'),
    assignedAt: sh('2026-11-26T10:00:00'),
    dueAt: null,
    originalDueAt: null,
  });

  it('owe an annual summary due 10 Dec every year, chased like a report, and never a deadline notice', () => {
    const p = planAssignmentNotices({
      task: standing,
      assignment: a,
      policy,
      calendar: cal,
      now: sh('2026-11-26T11:00:00'),
      horizon: sh('2026-12-31T00:00:00'),
    });
    expect(rows(p)).toEqual([
      '2026-12-03T09:00 report_reminder 2026Y liaison',
      '2026-12-09T09:00 report_reminder 2026Y liaison',
      '2026-12-11T09:00 report_chase 2026Y L1 liaison',
      '2026-12-15T09:00 report_chase 2026Y L2 leader',
      '2026-12-17T09:00 report_chase 2026Y L3 office',
    ]);
    expect(p[0]!.dueAt).toBe('2026-12-10T23:59:59.999+08:00');
  });

  it('start a fresh cycle each year: last year’s summary does not cover this year’s', () => {
    const b = { ...a, reportedPeriods: ['2026Y', '2026Q4'] };
    const p = planAssignmentNotices({
      task: standing,
      assignment: b,
      policy,
      calendar: cal,
      now: sh('2026-12-01T09:00:00'),
      horizon: sh('2027-12-31T00:00:00'),
    });
    const summaries = p.filter((n) => n.period?.endsWith('Y'));
    expect(summaries.every((n) => n.period === '2027Y')).toBe(true);
    expect(summaries.map((n) => n.kind)).toEqual([
      'report_reminder',
      'report_reminder',
      'report_chase',
      'report_chase',
      'report_chase',
    ]);
    expect(p.some((n) => n.kind === 'supervision' || n.kind === 'deadline_reminder')).toBe(false);
    expect(p.filter((n) => n.kind === 'report_reminder' && !n.period?.endsWith('Y')).map((n) => n.period)).toEqual([
      '2027Q1',
      '2027Q1',
      '2027Q2',
      '2027Q2',
      '2027Q3',
      '2027Q3',
    ]);
  });

  it('cycle helpers give the year and its end in the policy zone', () => {
    expect(cycleOf(policy, cal, '2026-12-31T16:30:00Z')).toBe(2027); // 00:30 on 1 Jan in Shanghai
    expect(cal.toIso(cycleEndOf(policy, cal, sh('2026-06-01T00:00:00'))!)).toBe('2027-01-01T00:00:00.000+08:00');
    expect(cycleOf(policy, cal, sh('2026-06-01T00:00:00'), 'deadline')).toBeNull();
    const b = cycleAt(policy.kinds.standing.cycle!, cal, Date.parse(sh('2026-06-01T00:00:00')));
    expect(cal.toIso(cycleSummary(policy.kinds.standing.cycle!, cal, b)!.dueMs)).toBe('2026-12-10T23:59:59.999+08:00');
  });
});

describe('report periods', () => {
  it('are calendar quarters due by the end of the 10th day after the quarter', () => {
    const ps = reportPeriods(
      policy.kinds.deadline,
      cal,
      Date.parse(sh('2025-02-14T10:00:00')),
      Date.parse(sh('2026-01-01T00:00:00')),
    );
    expect(ps.map((p) => [p.period, cal.toIso(p.dueMs)])).toEqual([
      ['2025Q1', '2025-04-10T23:59:59.999+08:00'],
      ['2025Q2', '2025-07-10T23:59:59.999+08:00'],
      ['2025Q3', '2025-10-10T23:59:59.999+08:00'],
      ['2025Q4', '2026-01-10T23:59:59.999+08:00'],
    ]);
  });
});

describe('catch-up', () => {
  const overdue = (n: number, unit: string, dueAt: string): { task: PlanTask; assignment: PlanAssignment } => ({
    task: { number: n, kind: 'deadline', dueAt },
    assignment: {
      unit,
      role: 'LEAD',
      state: 'ASSIGNED',
      assignedAt: sh('2026-11-26T10:00:00'),
      dueAt,
      originalDueAt: dueAt,
    },
  });
  const entries = [
    overdue(3, '市工信局', '2024-12-31T23:59:59.999+08:00'),
    overdue(7, '市工信局', END_2025),
    overdue(9, '市商务局', END_2025),
    overdue(40, '市商务局', '2026-12-31T23:59:59.999+08:00'), // not yet due
  ];

  it('sends one notice per unit and one summary, never the historical burst', () => {
    const cu = planCatchUp({ entries, policy, calendar: cal, now: sh('2026-11-26T10:00:00') });
    expect(cu.notices.map((n) => [n.kind, n.unit, n.at, n.slip, n.items!.map((i) => i.task)])).toEqual([
      ['catchup_unit', '市工信局', '2026-11-26T10:00:00.000+08:00', 'RED', [3, 7]],
      ['catchup_unit', '市商务局', '2026-11-26T10:00:00.000+08:00', 'RED', [9]],
      ['catchup_summary', null, '2026-11-26T10:00:00.000+08:00', null, [3, 7, 9]],
    ]);
    expect(cu.notices[2]!.to).toEqual(['office']);
    expect(cu.items[0]).toEqual({
      task: 3,
      unit: '市工信局',
      what: 'deadline',
      dueAt: '2024-12-31T23:59:59.999+08:00',
      overdueDays: 695,
      slip: 'RED',
    });
    expect(cu.covered).toEqual(['3|市工信局', '7|市工信局', '9|市商务局']);
  });

  it('colours each item by how far its 督办 has gone, and waits for an opening', () => {
    // 8 Jan 2026: overdue but before the leadership step (22 Jan) → orange; on National Day → after it
    const early = planCatchUp({ entries: [entries[1]!], policy, calendar: cal, now: sh('2026-01-08T20:00:00') });
    expect(early.items[0]!.slip).toBe('ORANGE');
    expect(early.at).toBe('2026-01-09T09:00:00.000+08:00');
    const lead = planCatchUp({ entries: [entries[1]!], policy, calendar: cal, now: sh('2026-02-02T10:00:00') });
    expect(lead.items[0]!.slip).toBe('ORANGE'); // leadership step taken (orange), first red repeat not yet
    const holiday = planCatchUp({ entries, policy, calendar: cal, now: sh('2026-10-03T10:00:00') });
    expect(holiday.at).toBe('2026-10-08T09:00:00.000+08:00');
  });

  it('lists missing reports of assignments that started earlier', () => {
    const e = {
      ...entries[3]!,
      assignment: {
        ...entries[3]!.assignment,
        assignedAt: sh('2026-05-06T10:00:00'),
        state: 'ACKNOWLEDGED' as const,
        reportedPeriods: ['2026Q2'],
      },
    };
    const cu = planCatchUp({ entries: [e], policy, calendar: cal, now: sh('2026-11-26T10:00:00') });
    expect(cu.items).toEqual([
      {
        task: 40,
        unit: '市商务局',
        what: 'report',
        period: '2026Q3',
        dueAt: '2026-10-10T23:59:59.999+08:00',
        overdueDays: 47,
        slip: null,
      },
    ]);
    expect(cu.notices.map((n) => n.kind)).toEqual(['catchup_unit', 'catchup_summary']);
  });

  it('after catch-up the regular calendar continues, quiet for 5 workdays', () => {
    const e = entries[1]!;
    const p = planAssignmentNotices({
      ...e,
      assignment: { ...e.assignment, catchUpAt: '2026-11-26T10:00:00.000+08:00' },
      policy,
      calendar: cal,
      now: sh('2026-11-26T10:00:00'),
      horizon: sh('2027-02-01T00:00:00'),
    });
    // no assignment notice, no acknowledgement chase, no repeat of what the catch-up just said
    expect(rows(p).filter((r) => r.includes('supervision'))).toEqual([
      '2026-12-22T09:00 supervision RED L3 office+leader+leadership',
      '2027-01-22T09:00 supervision RED L3 office+leader+leadership',
    ]);
    expect(p.some((n) => ['assignment', 'ack_reminder', 'ack_escalation'].includes(n.kind))).toBe(false);
  });
});

describe('previewPlan on the real plan as of 26 Nov 2026', () => {
  const parsed = parsePlanText(fs.readFileSync(REAL_PLAN, 'utf8')).plan;
  const tasks = parsed.tasks.map((t) => {
    const d = interpretDeadline(t.deadlinePhrase, config.deadlinePhrases, config.timezone)!;
    return {
      number: t.number,
      kind: d.kind,
      dueAt: d.dueAt,
      units: t.units.map((name, i) => ({ name, role: i === 0 ? ('LEAD' as const) : ('CO' as const) })),
    };
  });
  const asOf = sh('2026-11-26T10:00:00');
  const started = Date.now();
  const preview = previewPlan({ tasks, policy, calendar: cal, asOf, horizonDays: 365 });
  const took = Date.now() - started;

  it('catches up 45 overdue deadline tasks in one notice per unit and one summary', () => {
    const overdueTasks = new Set(preview.catchUp.map((i) => i.task));
    expect(overdueTasks.size).toBe(45);
    expect(
      preview.catchUp.every(
        (i) => i.what === 'deadline' && (i.dueAt.startsWith('2024-12-31') || i.dueAt.startsWith('2025-12-31')),
      ),
    ).toBe(true);
    const unitNotices = preview.notices.filter((n) => n.kind === 'catchup_unit');
    expect(new Set(unitNotices.map((n) => n.unit)).size).toBe(unitNotices.length);
    expect(preview.notices.filter((n) => n.kind === 'catchup_summary')).toHaveLength(1);
    // nothing historical: every notice goes at or after the first opening
    expect(preview.notices.every((n) => n.at >= '2026-11-26T10:00:00.000+08:00')).toBe(true);
    // a 2027 window without published holidays is reported
    expect(preview.warnings.join('\n')).toMatch(/2027年节假日安排尚未收录/);
    expect(took).toBeLessThan(3000);
  });

  it('never plans a notice outside office hours or on a non-workday', () => {
    expect(preview.notices.length).toBeGreaterThan(1000);
    expect(preview.notices.filter((n) => !cal.isOpen(n.at))).toEqual([]);
  });
});

describe('property: the default policy only ever sends inside office hours on workdays', () => {
  // a small deterministic PRNG: the same cases on every run
  let seed = 20261126;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const START = Date.parse(sh('2024-01-01T00:00:00'));
  const SPAN = 3 * 365 * 86_400_000;

  it('holds for 300 random assignments in every state', () => {
    const bad: PlannedNotice[] = [];
    let count = 0;
    for (let i = 0; i < 300; i++) {
      const kind = pick(['deadline', 'standing'] as const);
      const assignedMs = START + Math.floor(rnd() * SPAN);
      const dueMs = assignedMs + Math.floor(rnd() * 400) * 86_400_000 + Math.floor(rnd() * 86_400_000);
      const state = pick([
        'ASSIGNED',
        'ACKNOWLEDGED',
        'IN_PROGRESS',
        'COMPLETION_REQUESTED',
        'EXTENSION_REQUESTED',
        'ONGOING',
      ] as const);
      const eventAt = cal.toIso(assignedMs + Math.floor(rnd() * 30) * 86_400_000 + Math.floor(rnd() * 86_400_000));
      const a: PlanAssignment = {
        unit: `U${i}`,
        role: 'LEAD',
        state,
        assignedAt: cal.toIso(assignedMs),
        acknowledgedAt: state === 'ASSIGNED' ? null : eventAt,
        dueAt: kind === 'deadline' ? cal.toIso(dueMs) : null,
        completionRequestedAt: state === 'COMPLETION_REQUESTED' ? eventAt : null,
        pendingExtension:
          state === 'EXTENSION_REQUESTED'
            ? { requestedAt: eventAt, requestedDueAt: cal.toIso(dueMs + 90 * 86_400_000) }
            : null,
        catchUpAt: rnd() < 0.2 ? eventAt : null,
      };
      const now = assignedMs + Math.floor(rnd() * 200) * 86_400_000;
      const ns = planAssignmentNotices({
        task: { number: i, kind, dueAt: a.dueAt },
        assignment: a,
        policy,
        calendar: cal,
        now,
        horizon: now + 500 * 86_400_000,
      });
      count += ns.length;
      bad.push(
        ...ns.filter((n) => !cal.isOpen(n.at) || Date.parse(n.at) < now || Date.parse(n.at) < Date.parse(n.nominalAt)),
      );
    }
    expect(count).toBeGreaterThan(3000);
    expect(bad).toEqual([]);
  });
});

describe('a policy in seconds (real-time workflow tests)', () => {
  const sp = secondsPolicy();
  const rt = policyCalendar(sp);
  const T0 = Date.parse(sh('2026-11-28T03:00:00')); // a Saturday night: no office hours apply
  const at = (s: number) => rt.toIso(T0 + s * 1000);

  it('runs the same engine in seconds', () => {
    const a: PlanAssignment = { unit: 'U', role: 'LEAD', state: 'ASSIGNED', assignedAt: at(0), dueAt: at(30) };
    const p = planAssignmentNotices({
      task: { number: 1, kind: 'deadline', dueAt: at(30) },
      assignment: a,
      policy: sp,
      calendar: rt,
      now: T0,
      horizon: T0 + 51_000,
    });
    const rel = p.map(
      (n) =>
        `${(Date.parse(n.at) - T0) / 1000} ${n.kind}${n.period ? ` ${n.period}` : ''}${n.slip ? ` ${n.slip}` : ''}`,
    );
    expect(rel).toEqual([
      '0 assignment',
      '4 ack_reminder',
      '8 ack_escalation',
      '23 report_reminder P1', // P1 = [0, 20), due 5 s after
      '24 deadline_reminder', // 6 s before the deadline
      '26 report_chase P1',
      '27 supervision BLUE', // 3 s before, nothing moved: replaces the 3 s reminder
      '28 report_chase P1',
      '30 report_chase P1',
      '30.001 supervision ORANGE',
      '34.001 supervision ORANGE',
      '38.001 supervision ORANGE',
      '40 supervision ORANGE', // leadership step
      '43 report_reminder P2',
      '46 report_chase P2',
      '48 report_chase P2',
      '50 report_chase P2',
      '50 supervision RED',
    ]);
  });

  it('cycles standing tasks every N seconds', () => {
    expect(cycleOf(sp, rt, 120_000)).toBe(2);
    expect(cycleEndOf(sp, rt, 120_000)).toBe(180_000);
    const a: PlanAssignment = {
      unit: 'U',
      role: 'LEAD',
      state: 'ONGOING',
      acknowledgedAt: rt.toIso(120_000),
      assignedAt: rt.toIso(120_000),
      dueAt: null,
      reportedPeriods: ['P1', 'P2', 'P3'],
    };
    const p = planAssignmentNotices({
      task: { number: 2, kind: 'standing', dueAt: null },
      assignment: a,
      policy: sp,
      calendar: rt,
      now: 120_000,
      horizon: 240_000,
    });
    expect(
      p.filter((n) => n.period?.startsWith('C')).map((n) => `${Date.parse(n.at) / 1000} ${n.kind} ${n.period}`),
    ).toEqual([
      '168 report_reminder C2', // cycle 2 = [120, 180) s; summary due 10 s before its end
      '171 report_chase C2',
      '173 report_chase C2',
      '175 report_chase C2',
      '228 report_reminder C3',
      '231 report_chase C3',
      '233 report_chase C3',
      '235 report_chase C3',
    ]);
  });
});

describe('notices missed while the workers were down (docs/reliability.md row 7)', () => {
  it('sends the overdue variant once, at the next opening, and drops stale reminders', () => {
    const a = fresh();
    // workers down from 29 Dec 2025 to 20 Jan 2026, back on a workday afternoon
    const missed = planAssignmentNotices({
      task,
      assignment: a,
      policy,
      calendar: cal,
      now: sh('2025-12-29T00:00:00'),
      horizon: sh('2026-01-20T15:00:00'),
    });
    const out = settleMissed({ missed, calendar: cal, now: sh('2026-01-20T15:00:00') });
    expect(rows(out)).toEqual([
      '2026-01-20T15:00 report_chase 2025Q4 L1 liaison',
      '2026-01-20T15:00 report_chase 2025Q4 L2 leader',
      '2026-01-20T15:00 report_chase 2025Q4 L3 office',
      '2026-01-20T15:00 supervision ORANGE L2 office+leader', // the latest weekly 督办 only
    ]);
    expect(out.every((n) => n.late === true)).toBe(true);
    expect(out[3]!.nominalAt).toBe('2026-01-18T09:00:00.000+08:00'); // a Sunday: it was due to go on Monday 19 Jan
  });
});
