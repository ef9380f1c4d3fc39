/**
 * The lifecycle of one assignment as a pure state machine: which input is allowed in which state,
 * what it changes, and — when it is refused — the reason in Chinese, exactly as the unit or the
 * Office will read it. Used by the workflow's update validators and by the API; neither may change
 * anything when `decide` refuses. Pure: `now` is a parameter, instants are ISO strings or epoch ms.
 */
import type { AuditAction } from './audit-actions';
import type { AssignmentRole, AssignmentState, TaskKind } from './model';
import { formatDate } from './messages/format';

/** Everything about one assignment the rules look at. Plain JSON: it lives in workflow state. */
export interface AssignmentView {
  assignmentId: string;
  unitId: string;
  /** canonical unit name */
  unit: string;
  role: AssignmentRole;
  state: AssignmentState;
  /** the due instant in force (after an approved extension), ISO with offset; null for standing tasks */
  dueAt: string | null;
  /** the due instant the plan set */
  originalDueAt: string | null;
  /** past its due instant and not closed; a flag, never a state */
  overdue: boolean;
  acknowledgedAt: string | null;
  completionRequestedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  /** the state to return to when a pending extension is decided */
  resumeState: AssignmentState | null;
  pendingExtension: { requestedDueAt: string; reason: string; requestedAt: string } | null;
  /** reporting periods already reported (2026Q3, 2026Y …) */
  reportedPeriods: string[];
  lastReportAt: string | null;
}

/** The inputs a lifecycle accepts. One object per input (docs/engineering.md habit 3). */
export type LifecycleInput =
  | { type: 'acknowledge' }
  | {
      type: 'submitReport';
      period: string;
      text: string;
      percent?: number | null;
      /** http(s) links to evidence (佐证材料), checked by the form */
      evidenceLinks?: string[];
      /** values against the plan's indicators, by code (I01 …) */
      indicatorValues?: { code: string; value: number }[];
    }
  | {
      type: 'requestCompletion';
      /** 完成情况说明 */
      note?: string;
      /** http(s) links to evidence (佐证材料), checked by the form */
      evidenceLinks?: string[];
    }
  | { type: 'approveCompletion'; reason?: string }
  | { type: 'rejectCompletion'; reason: string }
  | { type: 'requestExtension'; newDueAt: string; reason: string }
  | { type: 'approveExtension'; reason?: string }
  | { type: 'rejectExtension'; reason: string }
  | { type: 'reassign'; toUnit: string; reason: string }
  | { type: 'cancel'; reason: string };

export type LifecycleInputType = LifecycleInput['type'];

export const LIFECYCLE_INPUTS: readonly LifecycleInputType[] = [
  'acknowledge',
  'submitReport',
  'requestCompletion',
  'approveCompletion',
  'rejectCompletion',
  'requestExtension',
  'approveExtension',
  'rejectExtension',
  'reassign',
  'cancel',
];

/** Stable codes for refusals (the API maps them to 409/422; tests compare them). */
export type RefusalCode =
  | 'CLOSED'
  | 'NOT_ACKNOWLEDGED'
  | 'ALREADY_ACKNOWLEDGED'
  | 'WRONG_STATE'
  | 'STANDING_TASK'
  | 'DEADLINE_PASSED'
  | 'INVALID_INPUT'
  | 'DUPLICATE';

export type Decision =
  { ok: true; next: AssignmentView; action: AuditAction } | { ok: false; code: RefusalCode; reason: string };

/** Chinese names of the states, for messages and the CLI. */
export const STATE_NAMES: Record<AssignmentState, string> = {
  ASSIGNED: '已交办',
  ACKNOWLEDGED: '已签收',
  IN_PROGRESS: '推进中',
  EXTENSION_REQUESTED: '延期待审',
  COMPLETION_REQUESTED: '销号待审',
  COMPLETED: '已销号',
  ONGOING: '长期推进',
  CANCELLED: '已撤销',
};

/** Chinese names of the inputs, for messages and the CLI. */
export const INPUT_NAMES: Record<LifecycleInputType, string> = {
  acknowledge: '签收',
  submitReport: '报送进展',
  requestCompletion: '申请销号',
  approveCompletion: '同意销号',
  rejectCompletion: '退回销号申请',
  requestExtension: '申请延期',
  approveExtension: '同意延期',
  rejectExtension: '驳回延期申请',
  reassign: '改派',
  cancel: '撤销',
};

/** The states in which an assignment is closed (销号, 撤销): nothing is asked of the unit any more. */
export const CLOSED_STATES = ['COMPLETED', 'CANCELLED'] as const satisfies readonly AssignmentState[];

/** Whether the assignment is closed: the one place that decides it (the dashboard's SQL is generated from CLOSED_STATES). */
export function isClosed(state: AssignmentState | string): boolean {
  return (CLOSED_STATES as readonly string[]).includes(state);
}

const refuse = (code: RefusalCode, reason: string): Decision => ({ ok: false, code, reason });

/**
 * Reporting period labels the policy engine plans (domain/policy/periods.ts): 2026Q3 (quarter),
 * 2026M03 (a month, for recurring 每月 tasks), 2026Y (a standing task's annual summary), and for fixed-length policies (real-time tests,
 * simulations) P3 (the 3rd period from the assignment) and C12 (a cycle's summary).
 */
export const REPORT_PERIOD = /^(\d{4}(Q[1-4]|M(0[1-9]|1[0-2])|Y)|P[1-9]\d*|C\d+)$/;

function ms(iso: string): number {
  return Date.parse(iso);
}

function wrongState(a: AssignmentView, input: LifecycleInputType, expected: string): Decision {
  return refuse(
    'WRONG_STATE',
    `${a.unit}的任务当前状态为「${STATE_NAMES[a.state]}」，不能${INPUT_NAMES[input]}；${expected}`,
  );
}

/**
 * Decides one input against one assignment at `now` (ISO instant or epoch ms). Returns the next
 * view and the audit action name, or a refusal with its reason. Never throws for a bad input.
 * Instants in a reason are written as a reader in `zone` says them (2025年12月31日（星期三）),
 * never as ISO strings. (Only refusal texts depend on `zone`: a refused update is not in any
 * workflow history, so the wording can change without a patch.)
 */
export function decide(
  a: AssignmentView,
  kind: TaskKind,
  input: LifecycleInput,
  now: string | number,
  zone = 'Asia/Shanghai',
): Decision {
  const nowMs = typeof now === 'number' ? now : ms(now);
  const nowIso = new Date(nowMs).toISOString();
  const when = (iso: string) => formatDate(iso, zone);
  const name = INPUT_NAMES[input.type];
  if (isClosed(a.state)) {
    return refuse('CLOSED', `${a.unit}的任务已${a.state === 'COMPLETED' ? '销号' : '撤销'}，不能再${name}`);
  }
  const reasonMissing = (r: string | undefined) => !r || r.trim().length === 0;

  switch (input.type) {
    case 'acknowledge': {
      if (a.state !== 'ASSIGNED')
        return refuse(
          'ALREADY_ACKNOWLEDGED',
          `${a.unit}已于${a.acknowledgedAt ? when(a.acknowledgedAt) : '此前'}签收该任务，无需重复签收`,
        );
      const state: AssignmentState = kind === 'standing' ? 'ONGOING' : 'ACKNOWLEDGED';
      return { ok: true, action: 'assignment.acknowledged', next: { ...a, state, acknowledgedAt: nowIso } };
    }
    case 'submitReport': {
      if (a.state === 'ASSIGNED') return refuse('NOT_ACKNOWLEDGED', `${a.unit}尚未签收该任务，请先签收再报送进展`);
      if (!REPORT_PERIOD.test(input.period))
        return refuse(
          'INVALID_INPUT',
          `报告期「${input.period}」格式不对，应为 2026Q3 (季度)、2026M03 (月度) 或 2026Y (年度)`,
        );
      if (reasonMissing(input.text)) return refuse('INVALID_INPUT', '进展报告内容不能为空');
      if (input.percent != null && (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 100)) {
        return refuse('INVALID_INPUT', `完成进度应为 0 到 100 之间的整数，收到 ${input.percent}`);
      }
      if (a.reportedPeriods.includes(input.period))
        return refuse('DUPLICATE', `${a.unit}已报送 ${input.period} 的进展报告`);
      const state: AssignmentState = a.state === 'ACKNOWLEDGED' ? 'IN_PROGRESS' : a.state;
      return {
        ok: true,
        action: 'report.submitted',
        next: { ...a, state, reportedPeriods: [...a.reportedPeriods, input.period], lastReportAt: nowIso },
      };
    }
    case 'requestCompletion': {
      if (kind === 'standing') return refuse('STANDING_TASK', '长期任务持续推进，不设销号；请按期报送年度总结');
      if (a.state === 'ASSIGNED') return refuse('NOT_ACKNOWLEDGED', `${a.unit}尚未签收该任务，请先签收`);
      if (a.state !== 'ACKNOWLEDGED' && a.state !== 'IN_PROGRESS')
        return wrongState(a, input.type, '请等待办公室对待审申请作出决定');
      return {
        ok: true,
        action: 'completion.requested',
        next: { ...a, state: 'COMPLETION_REQUESTED', completionRequestedAt: nowIso },
      };
    }
    case 'approveCompletion': {
      if (a.state !== 'COMPLETION_REQUESTED') return wrongState(a, input.type, '只有「销号待审」的任务可以销号');
      return {
        ok: true,
        action: 'completion.approved',
        next: { ...a, state: 'COMPLETED', completedAt: nowIso, overdue: false },
      };
    }
    case 'rejectCompletion': {
      if (a.state !== 'COMPLETION_REQUESTED') return wrongState(a, input.type, '只有「销号待审」的任务可以退回');
      if (reasonMissing(input.reason)) return refuse('INVALID_INPUT', '退回销号申请须写明理由');
      return {
        ok: true,
        action: 'completion.rejected',
        next: { ...a, state: 'IN_PROGRESS', completionRequestedAt: null },
      };
    }
    case 'requestExtension': {
      if (kind === 'standing' || !a.dueAt) return refuse('STANDING_TASK', '长期任务没有完成时限，无需申请延期');
      if (a.state === 'ASSIGNED') return refuse('NOT_ACKNOWLEDGED', `${a.unit}尚未签收该任务，请先签收`);
      if (a.state !== 'ACKNOWLEDGED' && a.state !== 'IN_PROGRESS')
        return wrongState(a, input.type, '已有待审申请时不能再申请延期');
      if (nowMs > ms(a.dueAt))
        return refuse(
          'DEADLINE_PASSED',
          `完成时限${when(a.dueAt)}已过，只能在时限之前申请延期；确需调整时限请联系市质量强市领导小组办公室`,
        );
      const requested = ms(input.newDueAt);
      if (Number.isNaN(requested)) return refuse('INVALID_INPUT', `新的完成时限「${input.newDueAt}」不是有效日期`);
      if (requested <= ms(a.dueAt)) return refuse('INVALID_INPUT', `新的完成时限应晚于现在的时限${when(a.dueAt)}`);
      if (reasonMissing(input.reason)) return refuse('INVALID_INPUT', '申请延期须写明理由');
      return {
        ok: true,
        action: 'extension.requested',
        next: {
          ...a,
          state: 'EXTENSION_REQUESTED',
          resumeState: a.state,
          pendingExtension: {
            requestedDueAt: new Date(requested).toISOString(),
            reason: input.reason,
            requestedAt: nowIso,
          },
        },
      };
    }
    case 'approveExtension':
    case 'rejectExtension': {
      if (a.state !== 'EXTENSION_REQUESTED' || !a.pendingExtension)
        return wrongState(a, input.type, '只有「延期待审」的任务可以审核延期');
      if (input.type === 'rejectExtension' && reasonMissing(input.reason))
        return refuse('INVALID_INPUT', '驳回延期申请须写明理由');
      const resume = a.resumeState ?? 'IN_PROGRESS';
      if (input.type === 'rejectExtension') {
        return {
          ok: true,
          action: 'extension.rejected',
          next: { ...a, state: resume, resumeState: null, pendingExtension: null },
        };
      }
      const dueAt = a.pendingExtension.requestedDueAt;
      return {
        ok: true,
        action: 'extension.approved',
        next: { ...a, state: resume, resumeState: null, pendingExtension: null, dueAt, overdue: nowMs > ms(dueAt) },
      };
    }
    case 'reassign': {
      if (reasonMissing(input.toUnit)) return refuse('INVALID_INPUT', '改派须指定新的责任单位');
      if (input.toUnit === a.unit) return refuse('INVALID_INPUT', `任务已由${a.unit}承办，无需改派给同一单位`);
      if (reasonMissing(input.reason)) return refuse('INVALID_INPUT', '改派须写明理由');
      return {
        ok: true,
        action: 'assignment.reassigned',
        next: { ...a, state: 'CANCELLED', cancelledAt: nowIso, pendingExtension: null, resumeState: null },
      };
    }
    case 'cancel': {
      if (reasonMissing(input.reason)) return refuse('INVALID_INPUT', '撤销须写明理由');
      return {
        ok: true,
        action: 'assignment.cancelled',
        next: {
          ...a,
          state: 'CANCELLED',
          cancelledAt: nowIso,
          pendingExtension: null,
          resumeState: null,
          overdue: false,
        },
      };
    }
  }
}

/** The inputs a unit makes through its form (the others are the Office's). */
export type UnitInputType = 'acknowledge' | 'submitReport' | 'requestCompletion' | 'requestExtension';

/**
 * Whether `decide` would take this kind of input in the assignment's current state at `now`, judged
 * by `decide` itself with a well-formed example input, so a form offers exactly what the lifecycle
 * accepts. Refusals about the input's content (INVALID_INPUT, DUPLICATE) do not count against it:
 * the person fixes the content. Returns the refusal reason otherwise, to show instead of the action.
 */
export function availability(
  a: AssignmentView,
  kind: TaskKind,
  type: UnitInputType,
  now: string | number,
  zone = 'Asia/Shanghai',
): { ok: true } | { ok: false; code: RefusalCode; reason: string } {
  const later = a.dueAt ? new Date(ms(a.dueAt) + 30 * 86_400_000).toISOString() : new Date(0).toISOString();
  const example: LifecycleInput =
    type === 'acknowledge'
      ? { type }
      : type === 'submitReport'
        ? { type, period: 'P999999', text: '示例', percent: null }
        : type === 'requestCompletion'
          ? { type }
          : { type, newDueAt: later, reason: '示例' };
  const d = decide(a, kind, example, now, zone);
  if (d.ok || d.code === 'INVALID_INPUT' || d.code === 'DUPLICATE') return { ok: true };
  return { ok: false, code: d.code, reason: d.reason };
}

/**
 * A unit may report the current, still open period early and any past one, but not a period that
 * has not started: reporting it in advance would mark it reported and silence its reminders and
 * 催办 before it even began. `opening` is when the period starts as the policy counts it
 * (workflows/planner.ts `periodOpening`); null when the policy does not tell, and then only
 * `decide` judges the report. Refuses with INVALID_INPUT (the API answers 422), naming the period
 * and when it can be reported.
 */
export function checkPeriodOpen(
  period: string,
  opening: { atMs: number; text: string | null } | null,
  now: string | number,
): { ok: true } | { ok: false; code: RefusalCode; reason: string } {
  const nowMs = typeof now === 'number' ? now : ms(now);
  if (!opening || opening.atMs <= nowMs) return { ok: true };
  return {
    ok: false,
    code: 'INVALID_INPUT',
    reason: `${period} 报告期尚未开始${opening.text ? `（${opening.text}起可报送）` : ''}`,
  };
}

/** Whether the overdue flag should be set at `nowMs` (past the due instant in force and still open). */
export function isOverdue(a: Pick<AssignmentView, 'state' | 'dueAt'>, nowMs: number): boolean {
  return !isClosed(a.state) && a.dueAt !== null && nowMs > ms(a.dueAt);
}

/** A fresh view for an assignment as the plan hands it out. */
export function initialView(a: {
  assignmentId: string;
  unitId: string;
  unit: string;
  role: AssignmentRole;
  dueAt: string | null;
  state?: AssignmentState;
}): AssignmentView {
  return {
    assignmentId: a.assignmentId,
    unitId: a.unitId,
    unit: a.unit,
    role: a.role,
    state: a.state ?? 'ASSIGNED',
    dueAt: a.dueAt,
    originalDueAt: a.dueAt,
    overdue: false,
    acknowledgedAt: null,
    completionRequestedAt: null,
    completedAt: null,
    cancelledAt: null,
    resumeState: null,
    pendingExtension: null,
    reportedPeriods: [],
    lastReportAt: null,
  };
}
