/**
 * The unit's workspace (本单位督办事项), reached by the signed link every unit letter carries:
 *
 *   GET  /u/:unitId/:planId?t=<token>             the page (views/workspace.ts)
 *   POST /u/:unitId/:planId                       action = acknowledge (all=1, or a=<assignment id>…)
 *                                                 | report (period, op = submit | draft, text_<id>, percent_<id>, evidence_<id>, ind_<id>_<code>)
 *   GET  /u/:unitId/:planId/f/:assignmentId?t=…   one task's own form: a fresh assignment link (same jti), 303
 *
 * The token is a workspace token (domain/links.ts `u1`) for that unit and plan, in the unit's link
 * epoch; refusals are answered, logged and audited as for assignment links (link-refusals.ts). The
 * first opening with a letter's link records the letter's read receipt (app/workspace.ts).
 *
 * Every action goes to each task's lifecycle as its own update (TaskActions, one per assignment), so
 * a batch is many independent inputs: one refused does not undo or block the others, and the page
 * says which went through and why any did not. A report the lifecycle (or the input check) refuses
 * stays as a draft with its reason, so nothing typed is lost; `op=draft` saves without submitting.
 * Post/redirect/get with the outcome in a flash cookie, as the assignment forms do.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WorkspaceClaims } from '../../domain/links';
import { formatPeriod } from '../../domain/messages/format';
import { isClosed } from '../../domain/lifecycle';
import { lightPolicy } from '../../app/dashboard/lights';
import {
  dropReportDrafts,
  loadWorkspace,
  recordLetterRead,
  saveReportDrafts,
  type Workspace,
  type WorkspaceAssignment,
} from '../../app/workspace';
import { workspacePath } from '../../infra/links';
import { isDubangError } from '../../contracts/errors';
import type { WebContext } from '../context';
import { decodeFlash, encodeFlash, FLASH_COOKIE } from '../flash';
import { tokenOf, type LinkRefusals } from '../link-refusals';
import { parseReport, periodChoices, UnitInputError, type PeriodChoice } from '../unit-input';
import { errorPage, sendPage } from '../views/layout';
import type { FormMessage } from '../views/unit';
import { periodGroups, workspacePage } from '../views/workspace';
import { lifecycleRefusal } from '../unit-actions';
import { UUID } from '../params';

type Body = Record<string, unknown>;
type Params = { unitId: string; planId: string };

/** How many lifecycle updates a batch sends at once (each is one Temporal update). */
const BATCH_CONCURRENCY = 4;

async function eachLimited<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function registerUnitWorkspace(app: FastifyInstance, ctx: WebContext, refusals: LinkRefusals): void {
  const rateLimit = { rateLimit: { max: ctx.limits.linkRequestsPerMinute, timeWindow: 60_000 } };
  const lights = lightPolicy(ctx.policy, ctx.holidayOverride);

  async function gate(
    req: FastifyRequest,
    reply: FastifyReply,
    p: Params,
    json = false,
  ): Promise<WorkspaceClaims | null> {
    const v = await ctx.links.verifyWorkspace(tokenOf(req), p.unitId, p.planId);
    if (v.ok) return v.claims;
    await refusals.refuse(req, reply, v, { entityId: p.unitId, unitId: p.unitId }, json);
    return null;
  }

  function periodsOf(ws: Workspace): Map<string, PeriodChoice[]> {
    const now = ctx.clock();
    return new Map(
      ws.assignments.map((a) => [
        a.id,
        isClosed(a.state)
          ? []
          : periodChoices({
              lights,
              kind: a.taskKind,
              assignedMs: a.supervisedFrom?.getTime() ?? null,
              nowMs: now,
              reported: a.reported,
            }),
      ]),
    );
  }

  const load = (p: Params) => loadWorkspace(ctx.db, ctx.read.lightParams(), p);
  const validParams = (p: Params) => UUID.test(p.unitId) && UUID.test(p.planId);

  app.get<{ Params: Params }>('/u/:unitId/:planId', { config: rateLimit }, async (req, reply) => {
    const p = req.params;
    if (!validParams(p)) return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    const claims = await gate(req, reply, p);
    if (!claims) return reply;
    // the read receipt: the first opening of a letter's link (its jti is the letter's id), before
    // the page is read, so the letter being opened already shows 已读
    await recordLetterRead(ctx.db, { letterId: claims.jti, ...p, at: new Date(ctx.clock()), ip: req.ip });
    const ws = await load(p);
    if (!ws) return sendPage(reply, errorPage(404, '该单位在这个方案中没有任务分工'), 404);
    const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
    if (flash) reply.clearCookie(FLASH_COOKIE, { path: workspacePath(p.unitId, p.planId) });
    const token = String(tokenOf(req));
    const base = workspacePath(p.unitId, p.planId);
    const formLinks = new Map(
      ws.assignments.map((a) => [a.id, `${base}/f/${a.id}?t=${encodeURIComponent(token)}`] as const),
    );
    return sendPage(
      reply,
      workspacePage({
        ws,
        action: base,
        token,
        zone: ctx.zone,
        message: flash?.message ?? null,
        periods: periodsOf(ws),
        formLinks,
      }),
    );
  });

  app.get<{ Params: Params & { assignmentId: string } }>(
    '/u/:unitId/:planId/f/:assignmentId',
    { config: rateLimit },
    async (req, reply) => {
      const p = req.params;
      if (!validParams(p) || !UUID.test(p.assignmentId)) return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
      const claims = await gate(req, reply, p);
      if (!claims) return reply;
      const a = await ctx.db.assignment.findFirst({
        where: { id: p.assignmentId, unitId: p.unitId, task: { planId: p.planId } },
        select: { id: true },
      });
      if (!a) return sendPage(reply, errorPage(403, '该任务分工不属于本单位的督办事项'), 403);
      const issued = await ctx.links.issue(a.id, { jti: claims.jti });
      return reply.redirect(issued.url.replace(/^https?:\/\/[^/]+/, ''), 303);
    },
  );

  /** Sends each selected assignment's acknowledgement to its lifecycle. */
  async function acknowledge(ws: Workspace, body: Body, claims: WorkspaceClaims): Promise<FormMessage> {
    const unsigned = ws.assignments.filter((a) => !isClosed(a.state) && !a.acknowledgedAt && a.state === 'ASSIGNED');
    const chosen = str(body.all) === '1' ? unsigned : ws.assignments.filter((a) => list(body.a).includes(a.id));
    if (!chosen.length) return { kind: 'refused', text: '请勾选要签收的任务，或点击「全部签收」。' };
    const results = await eachLimited(chosen, BATCH_CONCURRENCY, (a) =>
      apply(ws, a, 'acknowledge', {}, claims).then((r) => ({ a, r })),
    );
    const ok = results.filter((x) => x.r === null);
    const refused = results.filter((x) => x.r !== null);
    const parts = [];
    if (ok.length) parts.push(`已签收${ok.length}项任务（${ok.map((x) => `(${x.a.taskNumber})`).join('')}）。`);
    if (refused.length)
      parts.push(`${refused.length}项未能签收：${refused.map((x) => `任务(${x.a.taskNumber})：${x.r}`).join('；')}。`);
    return { kind: refused.length ? 'refused' : 'ok', text: parts.join('') };
  }

  /** One lifecycle update; null when applied, else the refusal the unit reads. */
  async function apply(
    ws: Workspace,
    a: WorkspaceAssignment,
    type: 'acknowledge' | 'submitReport',
    fields: Record<string, unknown>,
    claims: WorkspaceClaims,
  ): Promise<string | null> {
    try {
      await ctx.tasks.apply({
        planSlug: ws.plan.slug,
        task: a.taskNumber,
        type,
        args: { unit: ws.unit.id, actor: `unit:${a.id}/link:${claims.jti}`, ...fields },
      });
      return null;
    } catch (err) {
      const r = lifecycleRefusal(err);
      if (!r) throw err;
      return r.text;
    }
  }

  /** The fields typed for one task of a period's form, as a draft keeps them. */
  function typed(body: Body, a: WorkspaceAssignment): Record<string, string> {
    const out: Record<string, string> = {
      text: str(body[`text_${a.id}`]).slice(0, 20_000),
      percent: str(body[`percent_${a.id}`]).slice(0, 10),
      evidenceLinks: str(body[`evidence_${a.id}`]).slice(0, 10_000),
    };
    for (const i of a.indicators) {
      const v = str(body[`ind_${a.id}_${i.code}`]).slice(0, 40);
      if (v) out[`ind_${i.code}`] = v;
    }
    return out;
  }

  /** The 进展报送 form of one period: saves drafts, or submits every filled task as its own report. */
  async function report(ws: Workspace, body: Body, claims: WorkspaceClaims): Promise<FormMessage> {
    const period = str(body.period);
    const group = periodGroups(ws, periodsOf(ws)).find((g) => g.period === period);
    if (!group) return { kind: 'refused', text: `报告期「${period.slice(0, 20)}」目前没有需要报送的任务。` };
    const name = group.label.replace(/（.*$/, '');
    const actor = `unit:${ws.unit.id}/link:${claims.jti}`;
    const rows = group.assignments.map((a) => ({ a, fields: typed(body, a) }));
    if (str(body.op) === 'draft') {
      await saveReportDrafts(ctx.db, {
        unitId: ws.unit.id,
        planId: ws.plan.id,
        period,
        actor,
        drafts: rows.map((r) => ({ assignmentId: r.a.id, fields: r.fields, refusal: null })),
      });
      const n = rows.filter((r) => Object.values(r.fields).some((v) => v.trim())).length;
      return { kind: 'ok', text: `已保存${name}进展报告草稿（${n}项任务），尚未提交。` };
    }
    const filled = rows.filter((r) => r.fields.text!.trim());
    if (!filled.length) return { kind: 'refused', text: '请至少填写一项任务的进展情况后再提交。' };
    const outcomes = await eachLimited(filled, BATCH_CONCURRENCY, async ({ a, fields }) => {
      let input;
      try {
        input = parseReport({ period, ...fields }, a.indicators);
      } catch (err) {
        if (!isDubangError(err, UnitInputError)) throw err;
        return { a, fields, refusal: err.message };
      }
      const refusal = await apply(ws, a, 'submitReport', { ...input }, claims);
      return { a, fields, refusal };
    });
    const done = outcomes.filter((o) => o.refusal === null);
    const refused = outcomes.filter((o) => o.refusal !== null);
    await dropReportDrafts(
      ctx.db,
      period,
      done.map((o) => o.a.id),
    );
    // a refused report stays as a draft with its reason; the tasks left blank keep whatever else was typed
    await saveReportDrafts(ctx.db, {
      unitId: ws.unit.id,
      planId: ws.plan.id,
      period,
      actor,
      drafts: [
        ...refused.map((o) => ({ assignmentId: o.a.id, fields: o.fields, refusal: o.refusal })),
        ...rows
          .filter((r) => !r.fields.text!.trim())
          .map((r) => ({ assignmentId: r.a.id, fields: r.fields, refusal: null })),
      ],
    });
    const parts = [];
    if (done.length)
      parts.push(
        `已报送${formatPeriod(period)}进展报告${done.length}项（${done.map((o) => `(${o.a.taskNumber})`).join('')}）。`,
      );
    if (refused.length)
      parts.push(
        `${refused.length}项未能报送（${refused.map((o) => `(${o.a.taskNumber})`).join('')}），原因见各项，填写的内容已保留为草稿。`,
      );
    return { kind: refused.length ? 'refused' : 'ok', text: parts.join('') };
  }

  app.post<{ Params: Params; Body: Body }>('/u/:unitId/:planId', { config: rateLimit }, async (req, reply) => {
    const p = req.params;
    const body = (req.body ?? {}) as Body;
    const action = str(body.action);
    if (!validParams(p) || (action !== 'acknowledge' && action !== 'report'))
      return sendPage(reply, errorPage(404, '链接地址不完整'), 404);
    const claims = await gate(req, reply, p);
    if (!claims) return reply;
    const ws = await load(p);
    if (!ws) return sendPage(reply, errorPage(404, '该单位在这个方案中没有任务分工'), 404);
    const message = action === 'acknowledge' ? await acknowledge(ws, body, claims) : await report(ws, body, claims);
    const base = workspacePath(p.unitId, p.planId);
    reply.setCookie(FLASH_COOKIE, encodeFlash({ message }), {
      path: base,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secureCookies,
      maxAge: 300,
    });
    return reply.redirect(`${base}?t=${encodeURIComponent(String(tokenOf(req)))}`, 303);
  });
}
