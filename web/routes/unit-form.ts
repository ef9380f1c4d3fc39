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
import { tokenOf, type LinkRefusals } from '../link-refusals';
import { createUnitActions, UNIT_ACTIONS, type Body, type Detail, type UnitActions } from '../unit-actions';
import type { WebContext } from '../context';
import { UUID } from '../params';
import { errorPage, sendPage } from '../views/layout';
import { formPath } from '../../infra/links';
import { unitFormPage, type FormMessage } from '../views/unit';
import { decodeFlash, encodeFlash, FLASH_COOKIE, MAX_FLASH_BYTES } from '../flash';

/** The form's fields to show again after a refusal (never the token; nothing over 20 000 characters). */
function formValues(body: Body): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== 't' && v.length <= 20_000) out[k] = v;
  return out;
}

type RateLimit = { rateLimit: { max: number; timeWindow: number } };

export function registerUnitForm(app: FastifyInstance, ctx: WebContext, refusals: LinkRefusals): void {
  const rateLimit: RateLimit = { rateLimit: { max: ctx.limits.linkRequestsPerMinute, timeWindow: 60_000 } };
  const unit = createUnitActions(ctx, refusals);
  registerFormPages(app, ctx, unit, rateLimit);
  registerUnitApi(app, unit, rateLimit);
}

/** The HTML form: GET shows it, a POST answers 303 back to it with the outcome in a flash. */
function registerFormPages(app: FastifyInstance, ctx: WebContext, unit: UnitActions, rateLimit: RateLimit): void {
  /** The form as offered now, with an outcome to show and what the unit typed. */
  const formPage = (d: Detail, req: FastifyRequest, message: FormMessage | null, values: Record<string, string>) =>
    unitFormPage(d, {
      token: String(tokenOf(req)),
      zone: ctx.zone,
      periods: unit.periods(d),
      offer: unit.offer(d),
      message,
      values,
    });

  app.get<{ Params: { id: string } }>('/f/:id', { config: rateLimit }, async (req, reply) => {
    const { id } = req.params;
    if (!UUID.test(id)) return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    if (!(await unit.gate(req, reply, id, false))) return reply;
    const d = await unit.load(id);
    if (!d) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
    const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
    if (flash) reply.clearCookie(FLASH_COOKIE, { path: formPath(id) });
    return sendPage(reply, formPage(d, req, flash?.message ?? null, flash?.values ?? {}));
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
    const claims = await unit.gate(req, reply, id, false);
    if (!claims) return reply;
    const r = await unit.act(id, action, body, claims);
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
    const d = await unit.load(id);
    if (!d) return sendPage(reply, errorPage(404, r.message.text), 404);
    return sendPage(reply, formPage(d, req, r.message, formValues(body)), r.status);
  }
  app.post<{ Params: { id: string }; Body: Body }>('/f/:id', { config: rateLimit }, post);
  app.post<{ Params: { id: string; action: string }; Body: Body }>('/f/:id/:action', { config: rateLimit }, post);
}

/** The assignment as /api/unit/:id answers it: what the form shows, as JSON. */
function assignmentJson(unit: UnitActions, d: Detail) {
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
    periods: unit.periods(d),
    // which of the unit's actions the lifecycle would take now, or why not (what the form offers)
    actions: unit.offer(d),
  };
}

/** The form's JSON twin (token: Authorization: Bearer, or ?t=). */
function registerUnitApi(app: FastifyInstance, unit: UnitActions, rateLimit: RateLimit): void {
  app.get<{ Params: { id: string } }>('/api/unit/:id', { config: rateLimit }, async (req, reply) => {
    const { id } = req.params;
    if (!UUID.test(id)) return reply.code(404).send({ error: '没有这项任务分工', code: 'NOT_FOUND' });
    if (!(await unit.gate(req, reply, id, true))) return reply;
    const d = await unit.load(id);
    if (!d) return reply.code(404).send({ error: '没有这项任务分工', code: 'NOT_FOUND' });
    return assignmentJson(unit, d);
  });

  app.post<{ Params: { id: string; action: string }; Body: Body }>(
    '/api/unit/:id/:action',
    { config: rateLimit },
    async (req, reply) => {
      const { id, action } = req.params;
      if (!UUID.test(id) || !Object.hasOwn(UNIT_ACTIONS, action))
        return reply.code(404).send({ error: '不存在', code: 'NOT_FOUND' });
      const claims = await unit.gate(req, reply, id, true);
      if (!claims) return reply;
      const r = await unit.act(id, action, (req.body ?? {}) as Body, claims);
      if (r.status !== 200) return reply.code(r.status).send({ error: r.message.text, code: r.code });
      return { ok: true, message: r.message.text, result: r.result };
    },
  );
}
