/**
 * The unit forms, reached by the signed link in each notice (RELIABILITY rows 16–17):
 *
 *   GET  /f/:assignmentId?t=<token>           the form (HTML)
 *   POST /f/:assignmentId/:action              acknowledge | report | completion | extension (token in field t)
 *   GET  /api/unit/:assignmentId               the same as JSON (token: Authorization: Bearer, or ?t=)
 *   POST /api/unit/:assignmentId/:action
 *
 * Every request verifies the token first: forged, malformed or expired → 401; revoked or issued
 * for another assignment → 403. A refused attempt changes nothing, is logged (warn) and written to
 * the audit log as `link.refused`. Accepted inputs go to the lifecycle (TaskActions); its refusal
 * reason is shown to the unit as is.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAuthenticationFailure, type LinkClaims } from '../../../domain/links';
import type { LifecycleInputType } from '../../../domain/lifecycle';
import { audit } from '../../audit';
import { assignmentDetail } from '../../../app/dashboard/queries';
import { lightPolicy } from '../../../app/dashboard/lights';
import { parseExtension, parseNote, parseReport, periodChoices, UnitInputError, type ReportInput } from '../unit-input';
import type { WebContext } from '../server';
import { errorPage, sendPage } from '../views/layout';
import { unitFormPage, type FormMessage } from '../views/unit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const UNIT_ACTIONS: Record<string, LifecycleInputType> = {
  acknowledge: 'acknowledge',
  report: 'submitReport',
  completion: 'requestCompletion',
  extension: 'requestExtension',
};

type Body = Record<string, unknown>;

function tokenOf(req: FastifyRequest): unknown {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const body = req.body as Body | undefined;
  if (body && typeof body === 'object' && 't' in body) return body.t;
  return (req.query as { t?: unknown }).t;
}

export function registerUnitForm(app: FastifyInstance, ctx: WebContext): void {
  /** Verifies the link; on refusal answers (401/403), logs and audits, and returns null. */
  async function gate(req: FastifyRequest, reply: FastifyReply, id: string, json: boolean): Promise<LinkClaims | null> {
    const verdict = await ctx.links.verify(tokenOf(req), id);
    if (verdict.ok) return verdict.claims;
    const status = isAuthenticationFailure(verdict.code) ? 401 : 403;
    app.countLinkRefusal();
    const fields = { code: verdict.code, assignmentId: id, ip: req.ip, method: req.method, path: req.url.replace(/([?&]t=)[^&]*/, '$1…'), userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200) };
    ctx.logger.warn('unit link refused', fields);
    try {
      await audit(ctx.db, { actor: `link:${req.ip}`, action: 'link.refused', entityType: 'Link', entityId: id, assignmentId: id, data: fields });
    } catch (err) {
      ctx.logger.error('could not audit a refused link', { err });
    }
    if (json) reply.code(status).send({ error: verdict.reason, code: verdict.code });
    else sendPage(reply, errorPage(status, verdict.reason), status);
    return null;
  }

  async function load(id: string) {
    return assignmentDetail(ctx.db, ctx.read.lightParams(), id, { timelineLimit: 20 });
  }

  // The periods offered follow the configured policy on its business calendar, as the lights do.
  const lights = lightPolicy(ctx.policy, ctx.holidayOverride);
  function periods(d: NonNullable<Awaited<ReturnType<typeof load>>>) {
    const a = d.assignment;
    return periodChoices({ lights, kind: a.task.kind, assignedMs: a.supervisedFrom?.getTime() ?? null, nowMs: ctx.clock(), reported: a.reports.map((r) => r.period) });
  }

  async function act(id: string, action: string, body: Body): Promise<{ status: number; message: FormMessage; code?: string; result?: unknown }> {
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
        fields = { period: report.period, text: report.text, percent: report.percent, evidenceLinks: report.evidenceLinks, indicatorValues: report.indicatorValues };
      } else if (type === 'requestExtension') fields = parseExtension(body, ctx.zone);
      else if (type === 'requestCompletion') {
        const note = parseNote(body);
        fields = note ? { note } : {};
      }
    } catch (err) {
      if ((err as Error).name === 'UnitInputError') return { status: 422, message: { kind: 'refused', text: (err as UnitInputError).message }, code: 'INVALID_INPUT' };
      throw err;
    }
    try {
      const result = await ctx.tasks.apply({ planSlug: a.task.plan.slug, task: a.task.number, type, args: { unit: a.unitId, actor: `unit:${a.id}`, ...fields } });
      const text =
        type === 'acknowledge'
          ? '已签收该任务。'
          : type === 'submitReport'
            ? `已报送 ${report!.period} 进展报告。`
            : type === 'requestCompletion'
              ? '已提交销号申请，等待办公室审核。'
              : '已提交延期申请，等待办公室审核。';
      return { status: 200, message: { kind: 'ok', text }, result };
    } catch (err) {
      const e = err as Error & { reason?: string; code?: string | null };
      if (e.name === 'TaskInputRefused') return { status: e.code === 'INVALID_INPUT' ? 422 : 409, message: { kind: 'refused', text: e.reason ?? e.message }, code: e.code ?? 'REFUSED' };
      if (e.name === 'TaskNotSupervised') return { status: 409, message: { kind: 'refused', text: '该任务尚未纳入督办，暂时不能办理；请联系市质量强市领导小组办公室' }, code: 'NOT_SUPERVISED' };
      throw err;
    }
  }

  function formValues(body: Body): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== 't' && v.length <= 20_000) out[k] = v;
    return out;
  }

  app.get<{ Params: { id: string } }>('/f/:id', async (req, reply) => {
    const { id } = req.params;
    if (!UUID.test(id)) return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    if (!(await gate(req, reply, id, false))) return reply;
    const d = await load(id);
    if (!d) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
    return sendPage(reply, unitFormPage(d, { token: String(tokenOf(req)), zone: ctx.zone, periods: periods(d) }));
  });

  app.post<{ Params: { id: string; action: string }; Body: Body }>('/f/:id/:action', async (req, reply) => {
    const { id, action } = req.params;
    if (!UUID.test(id) || !UNIT_ACTIONS[action]) return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    if (!(await gate(req, reply, id, false))) return reply;
    const body = (req.body ?? {}) as Body;
    const r = await act(id, action, body);
    const d = await load(id);
    if (!d) return sendPage(reply, errorPage(404, r.message.text), 404);
    // A refused report keeps what the unit typed, so nothing is lost to a typo.
    return sendPage(reply, unitFormPage(d, { token: String(tokenOf(req)), zone: ctx.zone, message: r.message, periods: periods(d), values: r.status === 200 ? {} : formValues(body) }), r.status);
  });

  app.get<{ Params: { id: string } }>('/api/unit/:id', async (req, reply) => {
    const { id } = req.params;
    if (!UUID.test(id)) return reply.code(404).send({ error: '没有这项任务分工', code: 'NOT_FOUND' });
    if (!(await gate(req, reply, id, true))) return reply;
    const d = await load(id);
    if (!d) return reply.code(404).send({ error: '没有这项任务分工', code: 'NOT_FOUND' });
    const a = d.assignment;
    return {
      assignment: { id: a.id, unit: a.unit.name, role: a.role, state: a.state, overdue: a.overdue, dueAt: a.dueAt, originalDueAt: a.originalDueAt, acknowledgedAt: a.acknowledgedAt },
      task: { plan: a.task.plan.slug, number: a.task.number, text: a.task.text, deadlinePhrase: a.task.deadlinePhrase, kind: a.task.kind },
      light: d.light,
      reports: a.reports.map((r) => ({ period: r.period, submittedAt: r.submittedAt, text: r.text, percent: r.percent, evidenceLinks: r.evidenceLinks, indicatorValues: r.indicatorValues.map((v) => ({ code: v.indicator.code, value: Number(v.value) })) })),
      extensions: a.extensions.map((e) => ({ requestedAt: e.requestedAt, requestedDueAt: e.requestedDueAt, reason: e.reason, status: e.status, decisionReason: e.decisionReason })),
      indicators: d.indicators.map((i) => ({ code: i.code, name: i.name, targetText: i.targetText, unit: i.unit })),
      // what the form offers for `period`: periods due or past due and not reported, most recent first, then the current ones
      periods: periods(d),
    };
  });

  app.post<{ Params: { id: string; action: string }; Body: Body }>('/api/unit/:id/:action', async (req, reply) => {
    const { id, action } = req.params;
    if (!UUID.test(id) || !UNIT_ACTIONS[action]) return reply.code(404).send({ error: '不存在', code: 'NOT_FOUND' });
    if (!(await gate(req, reply, id, true))) return reply;
    const r = await act(id, action, (req.body ?? {}) as Body);
    if (r.status !== 200) return reply.code(r.status).send({ error: r.message.text, code: r.code });
    return { ok: true, message: r.message.text, result: r.result };
  });
}
