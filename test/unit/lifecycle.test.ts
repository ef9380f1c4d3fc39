/**
 * The assignment state machine: every input in every state, accepted or refused with its reason.
 */
import {
  availability,
  decide,
  initialView,
  isOverdue,
  LIFECYCLE_INPUTS,
  type AssignmentView,
  type LifecycleInput,
} from '../../domain/lifecycle';
import type { AssignmentState } from '../../domain/model';
import { loadConfig } from '../../config';
import { createPlanner } from '../../workflows/planner';

const DUE = '2025-12-31T23:59:59.999+08:00';
const BEFORE = Date.parse('2025-11-01T10:00:00+08:00');
const AFTER = Date.parse('2026-01-05T10:00:00+08:00');

function view(state: AssignmentState, extra: Partial<AssignmentView> = {}): AssignmentView {
  return {
    ...initialView({ assignmentId: 'a1', unitId: 'u1', unit: '市市场监管局', role: 'LEAD', dueAt: DUE }),
    state,
    ...extra,
  };
}

const inputs: Record<LifecycleInput['type'], LifecycleInput> = {
  acknowledge: { type: 'acknowledge' },
  submitReport: { type: 'submitReport', period: '2025Q3', text: '已完成方案起草', percent: 40 },
  requestCompletion: { type: 'requestCompletion' },
  approveCompletion: { type: 'approveCompletion' },
  rejectCompletion: { type: 'rejectCompletion', reason: '佐证材料不全' },
  requestExtension: { type: 'requestExtension', newDueAt: '2026-06-30T23:59:59.999+08:00', reason: '配套资金未到位' },
  approveExtension: { type: 'approveExtension' },
  rejectExtension: { type: 'rejectExtension', reason: '理由不充分' },
  reassign: { type: 'reassign', toUnit: '市工信局', reason: '职能调整' },
  cancel: { type: 'cancel', reason: '方案修订' },
};

const pending = {
  requestedDueAt: '2026-06-30T15:59:59.999Z',
  reason: '配套资金未到位',
  requestedAt: '2025-11-01T02:00:00.000Z',
};
const states: Record<AssignmentState, AssignmentView> = {
  ASSIGNED: view('ASSIGNED'),
  ACKNOWLEDGED: view('ACKNOWLEDGED'),
  IN_PROGRESS: view('IN_PROGRESS'),
  EXTENSION_REQUESTED: view('EXTENSION_REQUESTED', { resumeState: 'IN_PROGRESS', pendingExtension: pending }),
  COMPLETION_REQUESTED: view('COMPLETION_REQUESTED'),
  COMPLETED: view('COMPLETED'),
  ONGOING: view('ONGOING', { dueAt: null, originalDueAt: null }),
  CANCELLED: view('CANCELLED'),
};

// Expected outcome for a deadline task before its deadline: the next state, or the refusal code.
const table: Record<AssignmentState, Record<LifecycleInput['type'], string>> = {
  ASSIGNED: {
    acknowledge: 'ACKNOWLEDGED',
    submitReport: '!NOT_ACKNOWLEDGED',
    requestCompletion: '!NOT_ACKNOWLEDGED',
    approveCompletion: '!WRONG_STATE',
    rejectCompletion: '!WRONG_STATE',
    requestExtension: '!NOT_ACKNOWLEDGED',
    approveExtension: '!WRONG_STATE',
    rejectExtension: '!WRONG_STATE',
    reassign: 'CANCELLED',
    cancel: 'CANCELLED',
  },
  ACKNOWLEDGED: {
    acknowledge: '!ALREADY_ACKNOWLEDGED',
    submitReport: 'IN_PROGRESS',
    requestCompletion: 'COMPLETION_REQUESTED',
    approveCompletion: '!WRONG_STATE',
    rejectCompletion: '!WRONG_STATE',
    requestExtension: 'EXTENSION_REQUESTED',
    approveExtension: '!WRONG_STATE',
    rejectExtension: '!WRONG_STATE',
    reassign: 'CANCELLED',
    cancel: 'CANCELLED',
  },
  IN_PROGRESS: {
    acknowledge: '!ALREADY_ACKNOWLEDGED',
    submitReport: 'IN_PROGRESS',
    requestCompletion: 'COMPLETION_REQUESTED',
    approveCompletion: '!WRONG_STATE',
    rejectCompletion: '!WRONG_STATE',
    requestExtension: 'EXTENSION_REQUESTED',
    approveExtension: '!WRONG_STATE',
    rejectExtension: '!WRONG_STATE',
    reassign: 'CANCELLED',
    cancel: 'CANCELLED',
  },
  EXTENSION_REQUESTED: {
    acknowledge: '!ALREADY_ACKNOWLEDGED',
    submitReport: 'EXTENSION_REQUESTED',
    requestCompletion: '!WRONG_STATE',
    approveCompletion: '!WRONG_STATE',
    rejectCompletion: '!WRONG_STATE',
    requestExtension: '!WRONG_STATE',
    approveExtension: 'IN_PROGRESS',
    rejectExtension: 'IN_PROGRESS',
    reassign: 'CANCELLED',
    cancel: 'CANCELLED',
  },
  COMPLETION_REQUESTED: {
    acknowledge: '!ALREADY_ACKNOWLEDGED',
    submitReport: 'COMPLETION_REQUESTED',
    requestCompletion: '!WRONG_STATE',
    approveCompletion: 'COMPLETED',
    rejectCompletion: 'IN_PROGRESS',
    requestExtension: '!WRONG_STATE',
    approveExtension: '!WRONG_STATE',
    rejectExtension: '!WRONG_STATE',
    reassign: 'CANCELLED',
    cancel: 'CANCELLED',
  },
  COMPLETED: Object.fromEntries(LIFECYCLE_INPUTS.map((t) => [t, '!CLOSED'])) as Record<LifecycleInput['type'], string>,
  CANCELLED: Object.fromEntries(LIFECYCLE_INPUTS.map((t) => [t, '!CLOSED'])) as Record<LifecycleInput['type'], string>,
  ONGOING: {
    acknowledge: '!ALREADY_ACKNOWLEDGED',
    submitReport: 'ONGOING',
    requestCompletion: '!STANDING_TASK',
    approveCompletion: '!WRONG_STATE',
    rejectCompletion: '!WRONG_STATE',
    requestExtension: '!STANDING_TASK',
    approveExtension: '!WRONG_STATE',
    rejectExtension: '!WRONG_STATE',
    reassign: 'CANCELLED',
    cancel: 'CANCELLED',
  },
};

describe('every input in every state', () => {
  const cases = (Object.keys(table) as AssignmentState[]).flatMap((s) =>
    LIFECYCLE_INPUTS.map((t) => [s, t, table[s][t]] as const),
  );
  it.each(cases)('%s + %s → %s', (state, type, expected) => {
    const kind = state === 'ONGOING' ? 'standing' : 'deadline';
    const d = decide(states[state], kind, inputs[type], BEFORE);
    if (expected.startsWith('!')) {
      expect(d.ok).toBe(false);
      if (!d.ok) {
        expect(d.code).toBe(expected.slice(1));
        expect(d.reason).toMatch(/[\u4e00-\u9fff]/);
      }
    } else {
      expect(d.ok).toBe(true);
      if (d.ok) expect(d.next.state).toBe(expected);
    }
  });
});

describe('rules a unit or the Office would notice', () => {
  it('acknowledging a standing task makes it ONGOING, never completable', () => {
    const d = decide(view('ASSIGNED', { dueAt: null }), 'standing', { type: 'acknowledge' }, BEFORE);
    expect(d.ok && d.next.state).toBe('ONGOING');
    const c = decide(view('ONGOING', { dueAt: null }), 'standing', { type: 'requestCompletion' }, BEFORE);
    expect(c).toMatchObject({ ok: false, reason: '长期任务持续推进，不设销号；请按期报送年度总结' });
  });

  it('refusals write instants as a reader in Shanghai says them, never as ISO strings', () => {
    const late = decide(view('IN_PROGRESS'), 'deadline', inputs.requestExtension, AFTER, 'Asia/Shanghai');
    expect(late).toEqual({
      ok: false,
      code: 'DEADLINE_PASSED',
      reason:
        '完成时限2025年12月31日（星期三）已过，只能在时限之前申请延期；确需调整时限请联系市质量强市领导小组办公室',
    });
    const early = decide(
      view('IN_PROGRESS'),
      'deadline',
      { type: 'requestExtension', newDueAt: '2025-12-01T23:59:59.999+08:00', reason: '资金' },
      BEFORE,
    );
    expect(early).toMatchObject({ ok: false, reason: '新的完成时限应晚于现在的时限2025年12月31日（星期三）' });
    const again = decide(
      view('ACKNOWLEDGED', { acknowledgedAt: '2025-11-01T02:30:00.000Z' }),
      'deadline',
      { type: 'acknowledge' },
      BEFORE,
    );
    expect(again).toMatchObject({
      ok: false,
      reason: '市市场监管局已于2025年11月1日（星期六） 10:30签收该任务，无需重复签收',
    });
    for (const d of [late, early, again]) if (!d.ok) expect(d.reason).not.toMatch(/\d{4}-\d{2}-\d{2}|T\d\d:/);
  });

  it('availability offers exactly what decide would take in the state: no extension past the deadline or while one is pending', () => {
    const offered = (state: AssignmentState, now: number, extra: Partial<AssignmentView> = {}) =>
      Object.fromEntries(
        (['acknowledge', 'submitReport', 'requestCompletion', 'requestExtension'] as const).map((t) => [
          t,
          availability(view(state, extra), 'deadline', t, now).ok,
        ]),
      );
    expect(offered('ASSIGNED', BEFORE)).toEqual({
      acknowledge: true,
      submitReport: false,
      requestCompletion: false,
      requestExtension: false,
    });
    expect(offered('IN_PROGRESS', BEFORE)).toEqual({
      acknowledge: false,
      submitReport: true,
      requestCompletion: true,
      requestExtension: true,
    });
    expect(offered('IN_PROGRESS', AFTER)).toEqual({
      acknowledge: false,
      submitReport: true,
      requestCompletion: true,
      requestExtension: false,
    });
    expect(offered('EXTENSION_REQUESTED', BEFORE)).toEqual({
      acknowledge: false,
      submitReport: true,
      requestCompletion: false,
      requestExtension: false,
    });
    expect(availability(view('IN_PROGRESS'), 'deadline', 'requestExtension', AFTER)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('完成时限2025年12月31日（星期三）已过'),
    });
    expect(availability(view('ONGOING', { dueAt: null }), 'standing', 'requestExtension', BEFORE)).toMatchObject({
      ok: false,
      code: 'STANDING_TASK',
    });
  });

  it('an extension can be asked for only before the deadline, and its approval moves the deadline', () => {
    const late = decide(view('IN_PROGRESS'), 'deadline', inputs.requestExtension, AFTER);
    expect(late).toMatchObject({ ok: false, code: 'DEADLINE_PASSED' });
    if (!late.ok) expect(late.reason).toContain('只能在时限之前申请延期');

    const asked = decide(view('IN_PROGRESS'), 'deadline', inputs.requestExtension, BEFORE);
    if (!asked.ok) throw new Error(asked.reason);
    expect(asked.next.pendingExtension?.requestedDueAt).toBe('2026-06-30T15:59:59.999Z');
    // approved after the original deadline passed: the new deadline is in force and not overdue
    const approved = decide(asked.next, 'deadline', { type: 'approveExtension' }, AFTER);
    if (!approved.ok) throw new Error(approved.reason);
    expect(approved.next).toMatchObject({
      state: 'IN_PROGRESS',
      dueAt: '2026-06-30T15:59:59.999Z',
      originalDueAt: DUE,
      overdue: false,
      pendingExtension: null,
    });
  });

  it('rejecting an extension returns to where the unit was and keeps the deadline', () => {
    const asked = decide(view('ACKNOWLEDGED'), 'deadline', inputs.requestExtension, BEFORE);
    if (!asked.ok) throw new Error(asked.reason);
    const rejected = decide(asked.next, 'deadline', inputs.rejectExtension, BEFORE);
    expect(rejected.ok && rejected.next).toMatchObject({ state: 'ACKNOWLEDGED', dueAt: DUE });
  });

  it('an extension must move the deadline later and give a reason', () => {
    expect(
      decide(
        view('IN_PROGRESS'),
        'deadline',
        { type: 'requestExtension', newDueAt: '2025-06-30T00:00:00+08:00', reason: 'x' },
        BEFORE,
      ),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(
      decide(
        view('IN_PROGRESS'),
        'deadline',
        { type: 'requestExtension', newDueAt: '2026-06-30T00:00:00+08:00', reason: '  ' },
        BEFORE,
      ),
    ).toMatchObject({ ok: false, reason: '申请延期须写明理由' });
    expect(
      decide(view('IN_PROGRESS'), 'deadline', { type: 'requestExtension', newDueAt: '明年', reason: 'x' }, BEFORE),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('rejections by the Office need a reason', () => {
    expect(
      decide(view('COMPLETION_REQUESTED'), 'deadline', { type: 'rejectCompletion', reason: '' }, BEFORE),
    ).toMatchObject({ ok: false, reason: '退回销号申请须写明理由' });
    expect(decide(view('IN_PROGRESS'), 'deadline', { type: 'cancel', reason: '' }, BEFORE)).toMatchObject({
      ok: false,
      reason: '撤销须写明理由',
    });
  });

  it('a report names a valid period once, with a percentage 0–100', () => {
    const a = view('IN_PROGRESS', { reportedPeriods: ['2025Q3'] });
    expect(decide(a, 'deadline', inputs.submitReport, BEFORE)).toMatchObject({ ok: false, code: 'DUPLICATE' });
    expect(decide(a, 'deadline', { type: 'submitReport', period: '2025-3', text: 'x' }, BEFORE)).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    });
    expect(
      decide(a, 'deadline', { type: 'submitReport', period: '2025Q4', text: 'x', percent: 120 }, BEFORE),
    ).toMatchObject({ ok: false, reason: '完成进度应为 0 到 100 之间的整数，收到 120' });
    const ok = decide(a, 'deadline', { type: 'submitReport', period: '2025Q4', text: '推进中' }, BEFORE);
    expect(ok.ok && ok.next.reportedPeriods).toEqual(['2025Q3', '2025Q4']);
  });

  it('a closed assignment refuses everything with a reason naming the unit', () => {
    const d = decide(view('COMPLETED'), 'deadline', { type: 'acknowledge' }, BEFORE);
    expect(d).toEqual({ ok: false, code: 'CLOSED', reason: '市市场监管局的任务已销号，不能再签收' });
  });

  it('reassigning to the same unit is refused; approving completion clears the overdue flag', () => {
    expect(
      decide(view('IN_PROGRESS'), 'deadline', { type: 'reassign', toUnit: '市市场监管局', reason: 'x' }, BEFORE),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    const d = decide(view('COMPLETION_REQUESTED', { overdue: true }), 'deadline', { type: 'approveCompletion' }, AFTER);
    expect(d.ok && d.next).toMatchObject({ state: 'COMPLETED', overdue: false });
  });

  it('overdue is a flag: past the deadline in force and still open', () => {
    expect(isOverdue(view('IN_PROGRESS'), AFTER)).toBe(true);
    expect(isOverdue(view('IN_PROGRESS'), BEFORE)).toBe(false);
    expect(isOverdue(view('COMPLETED'), AFTER)).toBe(false);
    expect(isOverdue(view('ONGOING', { dueAt: null }), AFTER)).toBe(false);
  });
});

describe('report periods the policy plans are accepted', () => {
  it.each(['2026Q3', '2026Y', 'P1', 'P12', 'C29946'])('%s', (period) => {
    expect(
      decide(view('ACKNOWLEDGED'), 'deadline', { type: 'submitReport', period, text: '进展' }, BEFORE),
    ).toMatchObject({ ok: true, next: { reportedPeriods: [period] } });
  });
  it.each(['2026Q5', 'P0', 'Q3', 'p1', '2026-Y', 'C'])('%s is refused with the expected formats', (period) => {
    expect(decide(view('ACKNOWLEDGED'), 'deadline', { type: 'submitReport', period, text: '进展' }, BEFORE)).toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      reason: `报告期「${period}」格式不对，应为 2026Q3 (季度)、2026M03 (月度) 或 2026Y (年度)`,
    });
  });
});

describe('the workflow planner (workflows/planner.ts) over the real policy', () => {
  const cfg = loadConfig({});
  const planner = createPlanner(cfg.policy, null);
  const task = {
    planId: 'p',
    planSlug: 'p',
    taskId: 't',
    number: 12,
    kind: 'deadline' as const,
    text: '任务',
    dueAt: DUE,
    zone: 'Asia/Shanghai',
  };
  const a = view('ASSIGNED');
  const sh = (local: string) => Date.parse(`${local}+08:00`);

  it('plans from the assignment instant in the schedule, and decisions wait for office hours', () => {
    const ns = planner.planNotices({
      task,
      assignments: [a],
      schedule: { a1: { assignedAt: '2025-11-03T20:00:00+08:00' } },
      defaultAssignedAt: 'unused',
      fromMs: sh('2025-11-03T20:00:00'),
    });
    expect(ns.slice(0, 3).map(({ n }) => [n.kind, n.at])).toEqual([
      ['assignment', '2025-11-04T09:00:00.000+08:00'],
      ['ack_reminder', '2025-11-07T09:00:00.000+08:00'],
      ['ack_escalation', '2025-11-12T09:00:00.000+08:00'],
    ]);
    expect(ns.every(({ a: x }) => x === a)).toBe(true);
    // Saturday night → Monday morning
    expect(planner.nextOpening(sh('2026-11-28T22:00:00'))).toBe('2026-11-30T09:00:00.000+08:00');
  });

  it('a catch-up covered assignment gets no assignment notice', () => {
    const ns = planner.planNotices({
      task,
      assignments: [a],
      schedule: { a1: { assignedAt: '2026-11-26T10:00:00+08:00', catchUpAt: '2026-11-26T10:00:00.000+08:00' } },
      defaultAssignedAt: 'unused',
      fromMs: sh('2026-11-26T10:00:00'),
    });
    expect(ns.some(({ n }) => n.kind === 'assignment' || n.kind === 'ack_reminder')).toBe(false);
    expect(ns[0]!.n).toMatchObject({ kind: 'supervision', slip: 'RED' });
  });

  it('sends what just came as planned and settles what was missed while the workers were down', () => {
    // the assignment was made in September; the workers were down from 26 Dec 2025 to 20 Jan 2026
    const overdue = {
      ...a,
      state: 'IN_PROGRESS' as const,
      acknowledgedAt: '2025-09-26T02:00:00.000Z',
      reportedPeriods: ['2025Q3', '2025Q4'],
    };
    const now = sh('2026-01-20T11:00:00');
    const all = planner.planNotices({
      task,
      assignments: [overdue],
      schedule: { a1: { assignedAt: '2025-09-25T10:00:00+08:00' } },
      defaultAssignedAt: 'unused',
      fromMs: sh('2025-12-26T00:00:00'),
    });
    const due = all.filter(({ n }) => Date.parse(n.at) <= now);
    expect(due.map(({ n }) => n.kind)).toEqual(expect.arrayContaining(['deadline_reminder', 'supervision']));
    const sent = planner.dueNow(due, now, 60_000);
    // the reminder about 31 Dec is stale, the weekly 督办 missed three times goes once, late, now
    expect(sent.map(({ n }) => [n.kind, n.slip, n.level, n.at, n.late ?? false])).toEqual([
      ['supervision', 'ORANGE', 2, '2026-01-20T11:00:00.000+08:00', true],
    ]);
    expect(sent[0]!.n.nominalAt).toBe(due.filter(({ n }) => n.kind === 'supervision').at(-1)!.n.nominalAt);
    expect(sent[0]!.a).toBe(overdue);
    // within the grace period nothing is "missed"
    const justNow = due.filter(({ n }) => n.kind === 'supervision').slice(-1);
    expect(planner.dueNow(justNow, Date.parse(justNow[0]!.n.at) + 50, 60_000)).toEqual(justNow);
  });
});
