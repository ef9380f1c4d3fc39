/**
 * What a unit does through its signed link to one assignment (web/routes/unit-form.ts: the form and
 * /api/unit/*): verify the link, load the assignment, the periods and actions on offer now, and an
 * action taken (the input parsed, then sent to the lifecycle; its refusal comes back as the unit
 * reads it). The Office's counterpart is office-actions.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LinkClaims } from '../domain/links';
import { tokenOf, type LinkRefusals } from './link-refusals';
import { availability, type AssignmentView, type LifecycleInputType, type UnitInputType } from '../domain/lifecycle';
import { formatPeriod } from '../domain/messages/format';
import { assignmentDetail } from '../app/dashboard/queries';
import { lightPolicy } from '../app/dashboard/lights';
import { parseExtension, parseCompletion, parseReport, periodChoices, UnitInputError } from './unit-input';
import type { WebContext } from './context';
import type { FormMessage, Offer } from './views/unit';
import { ErrorCodes, isDubangError } from '../contracts/errors';

/** The actions of the form's `action` field (and of /api/unit/:id/:action), and the lifecycle input each is. */
export const UNIT_ACTIONS: Record<string, LifecycleInputType> = {
  acknowledge: 'acknowledge',
  report: 'submitReport',
  completion: 'requestCompletion',
  extension: 'requestExtension',
};

export type Body = Record<string, unknown>;

/**
 * The lifecycle's refusal of an input, as the one who sent it reads it; null for any other error.
 * A task not under supervision is explained to a unit; the Office reads the error's own message.
 */
export function lifecycleRefusal(
  err: unknown,
  audience: 'unit' | 'office' = 'unit',
): { status: number; text: string; code: string } | null {
  const e = err as Error & { reason?: string; refusalCode?: string | null };
  if (isDubangError(e, ErrorCodes.TaskInputRefused))
    return {
      status: e.refusalCode === 'INVALID_INPUT' ? 422 : 409,
      text: e.reason ?? e.message,
      code: e.refusalCode ?? 'REFUSED',
    };
  if (isDubangError(e, ErrorCodes.TaskNotSupervised))
    return {
      status: 409,
      text: audience === 'office' ? e.message : '该任务尚未纳入督办，暂时不能办理；请联系市质量强市领导小组办公室',
      code: 'NOT_SUPERVISED',
    };
  return null;
}

/** What `decide` looks at, from the assignment's row (kept in step with the workflow by its activities). */
function viewOf(a: Detail['assignment']): AssignmentView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const pending = a.extensions.find((e) => e.status === 'REQUESTED');
  return {
    assignmentId: a.id,
    unitId: a.unitId,
    unit: a.unit.name,
    role: a.role,
    state: a.state,
    dueAt: iso(a.dueAt),
    originalDueAt: iso(a.originalDueAt),
    overdue: a.overdue,
    acknowledgedAt: iso(a.acknowledgedAt),
    completionRequestedAt: null,
    completedAt: null,
    cancelledAt: null,
    resumeState: null,
    pendingExtension: pending
      ? {
          requestedDueAt: pending.requestedDueAt.toISOString(),
          reason: pending.reason,
          requestedAt: pending.requestedAt.toISOString(),
        }
      : null,
    reportedPeriods: a.reports.map((r) => r.period),
    lastReportAt: null,
  };
}

export type Detail = NonNullable<Awaited<ReturnType<typeof assignmentDetail>>>;

export interface ActOutcome {
  status: number;
  message: FormMessage;
  code?: string;
  result?: unknown;
}

/** The lifecycle fields of a unit's input (a report's evidence links and indicator values included), parsed from the form. */
function inputFields(type: LifecycleInputType, body: Body, d: Detail, zone: string): Record<string, unknown> {
  if (type === 'submitReport') {
    const report = parseReport(body, d.indicators);
    // evidence links and indicator values are stored by the lifecycle with the report (one transaction)
    return {
      period: report.period,
      text: report.text,
      percent: report.percent,
      evidenceLinks: report.evidenceLinks,
      indicatorValues: report.indicatorValues,
    };
  }
  if (type === 'requestExtension') return parseExtension(body, zone);
  if (type === 'requestCompletion') return parseCompletion(body);
  return {};
}

/** What the unit reads when its input was taken. */
function doneText(type: LifecycleInputType, fields: Record<string, unknown>): string {
  if (type === 'acknowledge') return '已签收该任务。';
  if (type === 'submitReport') return `已报送${formatPeriod(fields.period as string)}进展报告。`;
  if (type === 'requestCompletion') return '已提交销号申请，等待办公室审核。';
  return '已提交延期申请，等待办公室审核。';
}

export type UnitActions = ReturnType<typeof createUnitActions>;

export function createUnitActions(ctx: WebContext, refusals: LinkRefusals) {
  // The periods offered follow the configured policy on its business calendar, as the lights do.
  const lights = lightPolicy(ctx.policy, ctx.holidayOverride);

  const unitActions = {
    /** Verifies the link; on refusal answers (401/403), logs and audits (link-refusals.ts), and returns null. */
    async gate(req: FastifyRequest, reply: FastifyReply, id: string, json: boolean): Promise<LinkClaims | null> {
      const verdict = await ctx.links.verify(tokenOf(req), id);
      if (verdict.ok) return verdict.claims;
      await refusals.refuse(req, reply, verdict, { entityId: id, assignmentId: id }, json);
      return null;
    },

    load(id: string): Promise<Detail | null> {
      return assignmentDetail(ctx.db, ctx.read.lightParams(), id, { timelineLimit: 20 });
    },

    periods(d: Detail) {
      const a = d.assignment;
      return periodChoices({
        lights,
        kind: a.task.kind,
        assignedMs: a.supervisedFrom?.getTime() ?? null,
        nowMs: ctx.clock(),
        reported: a.reports.map((r) => r.period),
      });
    },

    /** What the form offers now: each unit action the lifecycle would take, or why not. */
    offer(d: Detail): Offer {
      const view = viewOf(d.assignment);
      const out = {} as Offer;
      for (const type of ['acknowledge', 'submitReport', 'requestCompletion', 'requestExtension'] as UnitInputType[])
        out[type] = availability(view, d.assignment.task.kind, type, ctx.clock(), ctx.zone);
      return out;
    },

    /** One action (a key of UNIT_ACTIONS) with the form's fields: bad input 422, the lifecycle's refusal as it says. */
    async act(id: string, action: string, body: Body, claims: LinkClaims): Promise<ActOutcome> {
      const type = UNIT_ACTIONS[action]!;
      const d = await unitActions.load(id);
      if (!d) return { status: 404, message: { kind: 'refused', text: '没有这项任务分工' }, code: 'NOT_FOUND' };
      const a = d.assignment;
      let fields: Record<string, unknown>;
      try {
        fields = inputFields(type, body, d, ctx.zone);
      } catch (err) {
        if (isDubangError(err, UnitInputError))
          return { status: 422, message: { kind: 'refused', text: err.message }, code: 'INVALID_INPUT' };
        throw err;
      }
      try {
        const result = await ctx.tasks.apply({
          planSlug: a.task.plan.slug,
          task: a.task.number,
          type,
          args: { unit: a.unitId, actor: `unit:${a.id}/link:${claims.jti}`, ...fields },
        });
        return { status: 200, message: { kind: 'ok', text: doneText(type, fields) }, result };
      } catch (err) {
        const r = lifecycleRefusal(err);
        if (!r) throw err;
        return { status: r.status, message: { kind: 'refused', text: r.text }, code: r.code };
      }
    },
  };
  return unitActions;
}
