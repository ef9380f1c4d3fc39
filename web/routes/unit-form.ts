/**
 * The unit forms, reached by the signed link in each notice:
 *
 *   GET  /f/:assignmentId?t=<token>           the form (HTML)
 *   POST /f/:assignmentId                      field action = acknowledge | report | completion | extension (token in field t)
 *   POST /f/:assignmentId/:action              the same, for pages rendered before post/redirect/get
 *   GET  /api/unit/:assignmentId               the same as JSON (token: Authorization: Bearer, or ?t=)
 *   POST /api/unit/:assignmentId/:action
 *
 * Every request verifies the token first: forged, malformed or expired → 401; revoked or issued
 * for another assignment → 403. A refused attempt changes nothing, is logged (warn) and written to
 * the audit log as `link.refused`. Accepted inputs go to the lifecycle (TaskActions); its refusal
 * reason is shown to the unit as is.
 *
 * Post/redirect/get: a form post is answered 303 to the form's own address (`/f/<id>?t=…`) with
 * the outcome in a short-lived flash cookie, so the address stays the form's and reloading does not
 * submit again. A refused input travels back the same way with what the unit typed; only when that
 * is too large for a cookie is the page rendered in place (nothing typed is lost).
 *
 * Actions through a link are audited with the link's id: the actor is `unit:<assignmentId>/link:<jti>`.
 * Refused links are audited too, at most `limits.refusalAuditsPerClient` per client and
 * `limits.refusalAuditsTotal` in all per minute per process (the rest are logged, counted in
 * /metrics and summarised in one `link.refused_suppressed` event), so unauthenticated callers cannot
 * grow the audit table without bound; the link routes are also rate-limited per client
 * (@fastify/rate-limit, `limits.linkRequestsPerMinute`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LinkClaims } from '../../domain/links';
import { tokenOf, type LinkRefusals } from '../link-refusals';
import { availability, type AssignmentView, type LifecycleInputType, type UnitInputType } from '../../domain/lifecycle';
import { formatPeriod } from '../../domain/messages/format';
import { assignmentDetail } from '../../app/dashboard/queries';
import { lightPolicy } from '../../app/dashboard/lights';
import {
  parseExtension,
  parseCompletion,
  parseReport,
  periodChoices,
  UnitInputError,
  type ReportInput,
} from '../unit-input';
import type { WebContext } from '../context';
import { UUID } from '../params';
import { errorPage, sendPage } from '../views/layout';
import { formPath } from '../../infra/links';
import { unitFormPage, type FormMessage, type Offer } from '../views/unit';
import { decodeFlash, encodeFlash, FLASH_COOKIE, MAX_FLASH_BYTES } from '../flash';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

/** a flash must fit one cookie (browsers keep ~4 KB per cookie, name and attributes included) */

export const UNIT_ACTIONS: Record<string, LifecycleInputType> = {
  acknowledge: 'acknowledge',
  report: 'submitReport',
  completion: 'requestCompletion',
  extension: 'requestExtension',
};

type Body = Record<string, unknown>;

/** The lifecycle's refusal of a unit's input, as the unit reads it; null for any other error. */
export function lifecycleRefusal(err: unknown): { status: number; text: string; code: string } | null {
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
      text: '该任务尚未纳入督办，暂时不能办理；请联系市质量强市领导小组办公室',
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

type Detail = NonNullable<Awaited<ReturnType<typeof assignmentDetail>>>;

export function registerUnitForm(app: FastifyInstance, ctx: WebContext, refusals: LinkRefusals): void {
  const rateLimit = { rateLimit: { max: ctx.limits.linkRequestsPerMinute, timeWindow: 60_000 } };

  /** Verifies the link; on refusal answers (401/403), logs and audits (link-refusals.ts), and returns null. */
  async function gate(req: FastifyRequest, reply: FastifyReply, id: string, json: boolean): Promise<LinkClaims | null> {
    const verdict = await ctx.links.verify(tokenOf(req), id);
    if (verdict.ok) return verdict.claims;
    await refusals.refuse(req, reply, verdict, { entityId: id, assignmentId: id }, json);
    return null;
  }

  async function load(id: string) {
    return assignmentDetail(ctx.db, ctx.read.lightParams(), id, { timelineLimit: 20 });
  }

  // The periods offered follow the configured policy on its business calendar, as the lights do.
  const lights = lightPolicy(ctx.policy, ctx.holidayOverride);
  function periods(d: NonNullable<Awaited<ReturnType<typeof load>>>) {
    const a = d.assignment;
    return periodChoices({
      lights,
      kind: a.task.kind,
      cadence: a.task.cadence,
      assignedMs: a.supervisedFrom?.getTime() ?? null,
      nowMs: ctx.clock(),
      reported: a.reports.map((r) => r.period),
    });
  }

  /** What the form offers now: each unit action the lifecycle would take, or why not. */
  function offer(d: Detail): Offer {
    const view = viewOf(d.assignment);
    const out = {} as Offer;
    for (const type of ['acknowledge', 'submitReport', 'requestCompletion', 'requestExtension'] as UnitInputType[])
      out[type] = availability(view, d.assignment.task.kind, type, ctx.clock(), ctx.zone);
    return out;
  }

  async function act(
    id: string,
    action: string,
    body: Body,
    claims: LinkClaims,
  ): Promise<{ status: number; message: FormMessage; code?: string; result?: unknown }> {
    const type = UNIT_ACTIONS[action]!;
    const d = await load(id);
    if (!d) return { status: 404, message: { kind: 'refused', text: '没有这项任务分工' }, code: 'NOT_FOUND' };
    const a = d.assignment;
    let fields: Record<string, unknown> = {};
    let report: ReportInput | null = null;
    try {
      if (type === 'submitReport') {
        report = parseReport(body, d.indicators);
        // evidence links and indicator values are stored by the lifecycle with the report (one transaction)
        fields = {
          period: report.period,
          text: report.text,
          percent: report.percent,
          evidenceLinks: report.evidenceLinks,
          indicatorValues: report.indicatorValues,
        };
      } else if (type === 'requestExtension') fields = parseExtension(body, ctx.zone);
      else if (type === 'requestCompletion') fields = parseCompletion(body);
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
      const text =
        type === 'acknowledge'
          ? '已签收该任务。'
          : type === 'submitReport'
            ? `已报送${formatPeriod(report!.period)}进展报告。`
            : type === 'requestCompletion'
              ? '已提交销号申请，等待办公室审核。'
              : '已提交延期申请，等待办公室审核。';
      return { status: 200, message: { kind: 'ok', text }, result };
    } catch (err) {
      const r = lifecycleRefusal(err);
      if (!r) throw err;
      return { status: r.status, message: { kind: 'refused', text: r.text }, code: r.code };
    }
  }

  function formValues(body: Body): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== 't' && v.length <= 20_000) out[k] = v;
    return out;
  }

  app.get<{ Params: { id: string } }>('/f/:id', { config: rateLimit }, async (req, reply) => {
    const { id } = req.params;
    if (!UUID.test(id)) return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    if (!(await gate(req, reply, id, false))) return reply;
    const d = await load(id);
    if (!d) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
    const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
    if (flash) reply.clearCookie(FLASH_COOKIE, { path: formPath(id) });
    return sendPage(
      reply,
      unitFormPage(d, {
        token: String(tokenOf(req)),
        zone: ctx.zone,
        periods: periods(d),
        offer: offer(d),
        message: flash?.message ?? null,
        values: flash?.values ?? {},
      }),
    );
  });

  async function post(
    req: FastifyRequest<{ Params: { id: string; action?: string }; Body: Body }>,
    reply: FastifyReply,
  ) {
    const { id } = req.params;
    const body = (req.body ?? {}) as Body;
    const action = req.params.action ?? (typeof body.action === 'string' ? body.action : '');
    if (!UUID.test(id) || !Object.hasOwn(UNIT_ACTIONS, action))
      return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    const claims = await gate(req, reply, id, false);
    if (!claims) return reply;
    const r = await act(id, action, body, claims);
    if (r.status === 404) return sendPage(reply, errorPage(404, r.message.text), 404);
    // A refused input keeps what the unit typed, so nothing is lost to a typo.
    const flash = encodeFlash({ message: r.message, ...(r.status === 200 ? {} : { values: formValues(body) }) });
    if (flash.length <= MAX_FLASH_BYTES) {
      reply.setCookie(FLASH_COOKIE, flash, {
        path: formPath(id),
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.secureCookies,
        maxAge: 300,
      });
      return reply.redirect(`${formPath(id)}?t=${encodeURIComponent(String(tokenOf(req)))}`, 303);
    }
    const d = await load(id);
    if (!d) return sendPage(reply, errorPage(404, r.message.text), 404);
    return sendPage(
      reply,
      unitFormPage(d, {
        token: String(tokenOf(req)),
        zone: ctx.zone,
        message: r.message,
        periods: periods(d),
        offer: offer(d),
        values: formValues(body),
      }),
      r.status,
    );
  }
  app.post<{ Params: { id: string }; Body: Body }>('/f/:id', { config: rateLimit }, post);
  app.post<{ Params: { id: string; action: string }; Body: Body }>('/f/:id/:action', { config: rateLimit }, post);

  app.get<{ Params: { id: string } }>('/api/unit/:id', { config: rateLimit }, async (req, reply) => {
    const { id } = req.params;
    if (!UUID.test(id)) return reply.code(404).send({ error: '没有这项任务分工', code: 'NOT_FOUND' });
    if (!(await gate(req, reply, id, true))) return reply;
    const d = await load(id);
    if (!d) return reply.code(404).send({ error: '没有这项任务分工', code: 'NOT_FOUND' });
    const a = d.assignment;
    return {
      assignment: {
        id: a.id,
        unit: a.unit.name,
        role: a.role,
        state: a.state,
        overdue: a.overdue,
        dueAt: a.dueAt,
        originalDueAt: a.originalDueAt,
        acknowledgedAt: a.acknowledgedAt,
      },
      task: {
        plan: a.task.plan.slug,
        number: a.task.number,
        text: a.task.text,
        deadlinePhrase: a.task.deadlinePhrase,
        kind: a.task.kind,
      },
      light: d.light,
      reports: a.reports.map((r) => ({
        period: r.period,
        submittedAt: r.submittedAt,
        text: r.text,
        percent: r.percent,
        evidenceLinks: r.evidenceLinks,
        indicatorValues: r.indicatorValues.map((v) => ({ code: v.indicator.code, value: Number(v.value) })),
      })),
      extensions: a.extensions.map((e) => ({
        requestedAt: e.requestedAt,
        requestedDueAt: e.requestedDueAt,
        reason: e.reason,
        status: e.status,
        decisionReason: e.decisionReason,
      })),
      indicators: d.indicators.map((i) => ({ code: i.code, name: i.name, targetText: i.targetText, unit: i.unit })),
      // what the form offers for `period`: periods due or past due and not reported, most recent first, then the current ones
      periods: periods(d),
      // which of the unit's actions the lifecycle would take now, or why not (what the form offers)
      actions: offer(d),
    };
  });

  app.post<{ Params: { id: string; action: string }; Body: Body }>(
    '/api/unit/:id/:action',
    { config: rateLimit },
    async (req, reply) => {
      const { id, action } = req.params;
      if (!UUID.test(id) || !Object.hasOwn(UNIT_ACTIONS, action))
        return reply.code(404).send({ error: '不存在', code: 'NOT_FOUND' });
      const claims = await gate(req, reply, id, true);
      if (!claims) return reply;
      const r = await act(id, action, (req.body ?? {}) as Body, claims);
      if (r.status !== 200) return reply.code(r.status).send({ error: r.message.text, code: r.code });
      return { ok: true, message: r.message.text, result: r.result };
    },
  );
}
