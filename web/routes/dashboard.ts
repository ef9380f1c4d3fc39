/**
 * Dashboard pages (HTML). Signed-in Office and leadership read; only the Office acts (forms carry
 * the session's CSRF token, checked in server.ts). Actions answer with the page itself, showing
 * what was done or the lifecycle's refusal reason.
 *
 * One registrar a resource: the overview, tasks, reviews, slips, notices, indicators and the audit
 * log here; units and contacts in dashboard-units.ts, assignments in dashboard-assignments.ts; what
 * they share in dashboard-kit.ts.
 */
import type { FastifyInstance } from 'fastify';
import * as q from '../../app/dashboard/queries';
import type { WebContext } from '../context';
import { lightParam, strParam, uuidParam, type Query } from '../params';
import * as v from '../views/dashboard';
import { dashboardKit, type DashboardKit } from './dashboard-kit';
import { registerUnits } from './dashboard-units';
import { registerAssignments } from './dashboard-assignments';

export function registerDashboard(app: FastifyInstance, ctx: WebContext): void {
  const k = dashboardKit(ctx);
  registerOverview(app, k);
  registerTasks(app, k);
  registerUnits(app, k);
  registerAssignments(app, k);
  registerReviews(app, k);
  registerSlipsAndNotices(app, k);
  registerIndicators(app, k);
  registerAudit(app, k);
}

function registerOverview(app: FastifyInstance, k: DashboardKit): void {
  app.get<{ Querystring: Query }>('/', k.read, (req, reply) =>
    k.guard(reply, async () => {
      const f = {
        plan: strParam(req.query.plan, 'plan'),
        light: lightParam(req.query.light),
        unitKind: strParam(req.query.unitKind, 'unitKind', /^(BUREAU|COUNTY|DEV_ZONE|MANAGEMENT|OTHER)$/),
      };
      return k.page(
        req,
        reply,
        '总览',
        'overview',
        v.overviewPage(await k.ctx.read.overview(f), f, await k.implicitEmailed(f.plan)),
        200,
        k.charts,
      );
    }),
  );
}

function registerTasks(app: FastifyInstance, k: DashboardKit): void {
  const { ctx } = k;
  app.get<{ Querystring: Query }>('/tasks', k.read, (req, reply) =>
    k.guard(reply, async () => {
      const f = {
        plan: strParam(req.query.plan, 'plan'),
        light: lightParam(req.query.light),
        q: req.query.q?.slice(0, 100) || undefined,
        ...k.paging(req.query),
      };
      const [r, plans] = await Promise.all([
        ctx.read.taskList(f),
        ctx.db.plan.findMany({ select: { slug: true, title: true } }),
      ]);
      return k.page(req, reply, '任务', 'tasks', v.tasksPage(r, f, plans));
    }),
  );

  app.get<{ Params: { id: string } }>('/tasks/:id', k.read, (req, reply) =>
    k.guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const d = id ? await ctx.read.taskDetail(id) : null;
      if (!d) return k.notFound(reply, '没有这个任务');
      return k.page(req, reply, `任务(${d.task.number})`, 'tasks', v.taskPage(d, ctx.zone));
    }),
  );
}

function registerReviews(app: FastifyInstance, k: DashboardKit): void {
  const { ctx } = k;
  app.get('/reviews', k.read, async (req, reply) => {
    const [completion, extension] = await Promise.all([
      ctx.read.assignmentList({ state: 'COMPLETION_REQUESTED', limit: 500 }),
      ctx.read.extensionList({ status: 'REQUESTED', limit: 500 }),
    ]);
    const requests = await q.pendingCompletionRequests(
      ctx.db,
      completion.rows.map((r) => r.id),
    );
    return k.page(req, reply, '待审', 'reviews', v.reviewsPage(completion.rows, extension.rows, ctx.zone, requests));
  });
}

function registerSlipsAndNotices(app: FastifyInstance, k: DashboardKit): void {
  const { ctx } = k;
  app.get<{ Querystring: Query }>('/slips', k.read, (req, reply) =>
    k.guard(reply, async () => {
      const open = strParam(req.query.open, 'open', /^[01]$/);
      const f = {
        colour: strParam(req.query.colour, 'colour', /^(BLUE|ORANGE|RED)$/),
        ...(open !== undefined ? { open: open === '1' } : {}),
        ...k.paging(req.query),
      };
      return k.page(req, reply, '督办单', 'slips', v.slipsPage(await ctx.read.slipList(f), ctx.zone, f));
    }),
  );

  app.get<{ Querystring: Query }>('/notices', k.read, (req, reply) =>
    k.guard(reply, async () => {
      const f = {
        status: strParam(req.query.status, 'status', /^(PENDING|QUEUED|SENT|SKIPPED|FAILED|DEAD)$/),
        kind: strParam(req.query.kind, 'kind', /^[a-z_]{1,40}$/),
        ...k.paging(req.query),
      };
      return k.page(req, reply, '通知记录', 'notices', v.noticesPage(await ctx.read.noticeList(f), ctx.zone, f));
    }),
  );
}

function registerIndicators(app: FastifyInstance, k: DashboardKit): void {
  app.get<{ Querystring: Query }>('/indicators', k.read, (req, reply) =>
    k.guard(reply, async () =>
      k.page(
        req,
        reply,
        '指标进度',
        'indicators',
        v.indicatorsPage(await k.ctx.read.indicatorProgress({ plan: strParam(req.query.plan, 'plan') }), k.ctx.zone),
        200,
        k.charts,
      ),
    ),
  );
}

function registerAudit(app: FastifyInstance, k: DashboardKit): void {
  app.get<{ Querystring: Query }>('/audit', k.read, (req, reply) =>
    k.guard(reply, async () => {
      const f = {
        action: strParam(req.query.action, 'action', /^[a-z_.]{1,60}$/),
        before: strParam(req.query.before, 'before', /^\d{1,19}$/),
      };
      return k.page(
        req,
        reply,
        '审计日志',
        'audit',
        v.auditPage(await q.auditLog(k.ctx.db, { ...f, limit: 100 }), k.ctx.zone, f),
      );
    }),
  );
}
