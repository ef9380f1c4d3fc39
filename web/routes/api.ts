/**
 * The JSON API (described at /api/openapi.json). Reads need a session (Office or leadership);
 * changes need the Office role and the session's CSRF token (X-CSRF-Token). Sign-in is
 * POST /api/session (routes/auth.ts); unit actions are /api/unit/* (routes/unit-form.ts).
 *
 * One registrar a resource (plans, tasks, assignments, units, the records); a bad query parameter
 * answers 400 BAD_QUERY (`queried`), an unknown id 404 NOT_FOUND.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as q from '../../app/dashboard/queries';
import { replaceContacts, ContactInputError, type ContactInput } from '../../app/dashboard/contacts';
import { officeAct } from '../office-actions';
import { issueLink, revokeLinks, revokeUnitLinks } from '../../app/links';
import { openApiDocument } from '../openapi';
import type { WebContext } from '../context';
import { enumParam, intParam, lightParam, QueryError, strParam, UUID, uuidParam, type Query } from '../params';
import { isDubangError } from '../../contracts/errors';

const STATES = [
  'ASSIGNED',
  'ACKNOWLEDGED',
  'IN_PROGRESS',
  'EXTENSION_REQUESTED',
  'COMPLETION_REQUESTED',
  'COMPLETED',
  'ONGOING',
  'CANCELLED',
];

function page(query: Query) {
  return { limit: intParam(query.limit, 'limit', 500), offset: intParam(query.offset, 'offset', 10_000_000) };
}

interface ApiKit {
  ctx: WebContext;
  read: { preHandler: WebContext['requireSession'] };
  write: { preHandler: WebContext['requireOffice'] };
}

const notFound = (reply: FastifyReply, error: string) => reply.code(404).send({ error, code: 'NOT_FOUND' });

/** A read whose query parameters may be refused: a QueryError answers 400 BAD_QUERY with its message. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any route's request type (Fastify's own default)
function queried<R extends FastifyRequest<any>>(handler: (req: R, reply: FastifyReply) => Promise<unknown>) {
  return async (req: R, reply: FastifyReply) => {
    try {
      return await handler(req, reply);
    } catch (err) {
      if (isDubangError(err, QueryError)) return reply.code(400).send({ error: err.message, code: 'BAD_QUERY' });
      throw err;
    }
  };
}

export function registerApi(app: FastifyInstance, ctx: WebContext): void {
  const k: ApiKit = { ctx, read: { preHandler: ctx.requireSession }, write: { preHandler: ctx.requireOffice } };
  registerApiPlans(app, k);
  registerApiTasks(app, k);
  registerApiAssignments(app, k);
  registerApiAssignmentLinks(app, k);
  registerApiUnits(app, k);
  registerApiRecords(app, k);
}

/** The OpenAPI document, the overview and the plans. */
function registerApiPlans(app: FastifyInstance, { ctx, read }: ApiKit): void {
  app.get('/api/openapi.json', async () => openApiDocument(ctx.publicUrl));

  app.get<{ Querystring: Query }>(
    '/api/overview',
    read,
    queried(async (req) => {
      return await ctx.read.overview({
        plan: strParam(req.query.plan, 'plan'),
        light: lightParam(req.query.light),
        unitKind: enumParam(req.query.unitKind, 'unitKind', ['BUREAU', 'COUNTY', 'DEV_ZONE', 'MANAGEMENT', 'OTHER']),
      });
    }),
  );

  app.get('/api/plans', read, async () => {
    const plans = await ctx.db.plan.findMany({
      orderBy: { importedAt: 'asc' },
      include: { _count: { select: { tasks: true, indicators: true } } },
    });
    return plans.map((p) => ({
      slug: p.slug,
      title: p.title,
      revision: p.revision,
      importedAt: p.importedAt,
      tasks: p._count.tasks,
      indicators: p._count.indicators,
    }));
  });

  app.get<{ Params: { slug: string } }>('/api/plans/:slug', read, async (req, reply) => {
    const p = await ctx.db.plan.findUnique({
      where: { slug: req.params.slug },
      include: {
        sections: { orderBy: [{ level: 'asc' }, { ordinal: 'asc' }] },
        rules: true,
        indicators: { orderBy: { code: 'asc' } },
      },
    });
    if (!p) return notFound(reply, '没有这个方案');
    return { ...p, indicators: p.indicators.map((i) => ({ ...i, targetValue: Number(i.targetValue) })) };
  });
}

/** Tasks: the list, one task, its timeline. */
function registerApiTasks(app: FastifyInstance, { ctx, read }: ApiKit): void {
  app.get<{ Querystring: Query }>(
    '/api/tasks',
    read,
    queried(async (req) => {
      return await ctx.read.taskList({
        plan: strParam(req.query.plan, 'plan'),
        light: lightParam(req.query.light),
        q: req.query.q?.slice(0, 100),
        ...page(req.query),
      });
    }),
  );

  app.get<{ Params: { id: string } }>('/api/tasks/:id', read, async (req, reply) => {
    if (!UUID.test(req.params.id)) return notFound(reply, '没有这个任务');
    const d = await ctx.read.taskDetail(req.params.id, { timelineLimit: 50 });
    if (!d) return notFound(reply, '没有这个任务');
    return d;
  });

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/api/tasks/:id/timeline',
    read,
    queried(async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这个任务');
      return await q.auditLog(ctx.db, {
        taskId: req.params.id,
        before: req.query.before,
        limit: intParam(req.query.limit, 'limit', 500),
      });
    }),
  );
}

/** Assignments: the list, one assignment, the Office's decisions on it. */
function registerApiAssignments(app: FastifyInstance, { ctx, read, write }: ApiKit): void {
  app.get<{ Querystring: Query }>(
    '/api/assignments',
    read,
    queried(async (req) => {
      return await ctx.read.assignmentList({
        unitId: uuidParam(req.query.unit, 'unit'),
        taskId: uuidParam(req.query.task, 'task'),
        state: enumParam(req.query.state, 'state', STATES),
        light: lightParam(req.query.light),
        plan: strParam(req.query.plan, 'plan'),
        ...page(req.query),
      });
    }),
  );

  app.get<{ Params: { id: string } }>('/api/assignments/:id', read, async (req, reply) => {
    if (!UUID.test(req.params.id)) return notFound(reply, '没有这项任务分工');
    const d = await q.assignmentDetail(ctx.db, ctx.read.lightParams(), req.params.id, { timelineLimit: 100 });
    if (!d) return notFound(reply, '没有这项任务分工');
    return d;
  });

  app.post<{ Params: { id: string; action: string }; Body: Record<string, unknown> }>(
    '/api/assignments/:id/actions/:action',
    write,
    async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这项任务分工');
      const r = await officeAct(
        ctx,
        req.session!,
        req.params.id,
        req.params.action,
        (req.body ?? {}) as Record<string, unknown>,
      );
      if (r.status !== 200) return reply.code(r.status).send({ error: r.message, code: r.code });
      return { ok: true, message: r.message, result: r.result };
    },
  );
}

/** An assignment's signed links: a new one, revoking one or all; revoking all of a unit's. */
function registerApiAssignmentLinks(app: FastifyInstance, { ctx, write }: ApiKit): void {
  app.post<{ Params: { id: string }; Body: { ttlDays?: unknown } }>(
    '/api/assignments/:id/links',
    write,
    async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这项任务分工');
      const days =
        typeof req.body?.ttlDays === 'number' && req.body.ttlDays >= 1 && req.body.ttlDays <= 365
          ? req.body.ttlDays
          : undefined;
      const r = await issueLink(ctx, {
        assignmentId: req.params.id,
        actor: `office:${req.session!.email}`,
        ...(days ? { ttlMs: days * 86_400_000 } : {}),
      });
      if (!r.ok) return reply.code(404).send({ error: r.message, code: r.code });
      return { url: r.url, jti: r.jti, expiresAt: r.expiresAt };
    },
  );

  app.post<{ Params: { id: string }; Body: { jti?: unknown; reason?: unknown; then?: unknown } }>(
    '/api/assignments/:id/links/revoke',
    write,
    async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这项任务分工');
      const jti =
        typeof req.body?.jti === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(req.body.jti) ? req.body.jti : undefined;
      const reason = typeof req.body?.reason === 'string' ? req.body.reason.slice(0, 500) : undefined;
      if (req.body?.then !== undefined && req.body.then !== 'email' && req.body.then !== 'link')
        return reply
          .code(422)
          .send({ error: 'then 只能是 email（向单位发送含新链接的通知）或 link（返回新链接）', code: 'INVALID_INPUT' });
      const r = await revokeLinks(ctx, {
        assignmentId: req.params.id,
        actor: `office:${req.session!.email}`,
        ...(jti ? { jti } : {}),
        ...(reason ? { reason } : {}),
        then: req.body?.then === 'link' ? 'link' : 'email',
      });
      if (!r.ok) return reply.code(404).send({ error: r.message, code: r.code });
      return {
        ok: true,
        revoked: jti ? 'one' : 'all',
        message: r.message,
        ...(r.url ? { url: r.url, jti: r.jti, expiresAt: r.expiresAt } : {}),
        ...(r.noticeId ? { noticeId: r.noticeId } : {}),
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: unknown } }>(
    '/api/units/:id/links/revoke',
    write,
    async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这个单位');
      const reason = typeof req.body?.reason === 'string' ? req.body.reason.slice(0, 500) : undefined;
      const r = await revokeUnitLinks(ctx, {
        unitId: req.params.id,
        actor: `office:${req.session!.email}`,
        ...(reason ? { reason } : {}),
      });
      if (!r.ok) return reply.code(404).send({ error: r.message, code: r.code });
      return { ok: true, message: r.message, assignments: r.assignments, notices: r.notices };
    },
  );
}

/** Units: the directory, one unit, its contacts. */
function registerApiUnits(app: FastifyInstance, { ctx, read, write }: ApiKit): void {
  app.get('/api/units', read, async () => {
    const units = await ctx.db.unit.findMany({
      orderBy: { name: 'asc' },
      include: { aliases: true, _count: { select: { assignments: true } } },
    });
    return units.map((u) => ({
      id: u.id,
      name: u.name,
      fullName: u.fullName,
      kind: u.kind,
      aliases: u.aliases.map((a) => a.alias),
      assignments: u._count.assignments,
    }));
  });

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/api/units/:id',
    read,
    queried(async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这个单位');
      const d = await ctx.read.unitDetail(req.params.id, { light: lightParam(req.query.light), ...page(req.query) });
      if (!d) return notFound(reply, '没有这个单位');
      return d;
    }),
  );

  app.put<{ Params: { id: string }; Body: { contacts?: unknown } }>(
    '/api/units/:id/contacts',
    write,
    async (req, reply) => {
      if (!UUID.test(req.params.id)) return notFound(reply, '没有这个单位');
      if (!Array.isArray(req.body?.contacts))
        return reply.code(400).send({ error: 'contacts: 应为联系人数组', code: 'BAD_REQUEST' });
      try {
        const rows = await replaceContacts(
          ctx.db,
          req.params.id,
          req.body.contacts as Partial<ContactInput>[],
          `office:${req.session!.email}`,
        );
        return rows.map((c) => ({
          id: c.id,
          role: c.role,
          name: c.name,
          email: c.email,
          phone: c.phone,
          digest: c.digest,
        }));
      } catch (err) {
        if (isDubangError(err, ContactInputError))
          return reply.code(422).send({ error: err.message, code: 'INVALID_INPUT' });
        throw err;
      }
    },
  );
}

/** The records: reports, extension requests, slips, notices, indicators, the audit log. */
function registerApiRecords(app: FastifyInstance, { ctx, read }: ApiKit): void {
  app.get<{ Querystring: Query }>(
    '/api/reports',
    read,
    queried(async (req) => {
      return await ctx.read.reportList({
        assignmentId: uuidParam(req.query.assignment, 'assignment'),
        unitId: uuidParam(req.query.unit, 'unit'),
        period: strParam(req.query.period, 'period', /^\d{4}(Q[1-4]|Y)$/),
        ...page(req.query),
      });
    }),
  );

  app.get<{ Querystring: Query }>(
    '/api/extensions',
    read,
    queried(async (req) => {
      return await ctx.read.extensionList({
        status: enumParam(req.query.status, 'status', ['REQUESTED', 'APPROVED', 'REJECTED']),
        ...page(req.query),
      });
    }),
  );

  app.get<{ Querystring: Query }>(
    '/api/slips',
    read,
    queried(async (req) => {
      return await ctx.read.slipList({
        colour: enumParam(req.query.colour, 'colour', ['BLUE', 'ORANGE', 'RED']),
        ...(req.query.open === 'true' || req.query.open === 'false' ? { open: req.query.open === 'true' } : {}),
        ...page(req.query),
      });
    }),
  );

  app.get<{ Querystring: Query }>(
    '/api/notices',
    read,
    queried(async (req) => {
      return await ctx.read.noticeList({
        status: enumParam(req.query.status, 'status', ['PENDING', 'QUEUED', 'SENT', 'SKIPPED', 'FAILED', 'DEAD']),
        kind: strParam(req.query.kind, 'kind', /^[a-z_]{1,40}$/),
        assignmentId: uuidParam(req.query.assignment, 'assignment'),
        ...page(req.query),
      });
    }),
  );

  app.get<{ Querystring: Query }>(
    '/api/indicators',
    read,
    queried(async (req) => {
      return await ctx.read.indicatorProgress({ plan: strParam(req.query.plan, 'plan') });
    }),
  );

  app.get<{ Querystring: Query }>(
    '/api/audit',
    read,
    queried(async (req) => {
      return await q.auditLog(ctx.db, {
        before: strParam(req.query.before, 'before', /^\d{1,19}$/),
        action: strParam(req.query.action, 'action', /^[a-z_.]{1,60}$/),
        assignmentId: uuidParam(req.query.assignment, 'assignment'),
        taskId: uuidParam(req.query.task, 'task'),
        unitId: uuidParam(req.query.unit, 'unit'),
        limit: intParam(req.query.limit, 'limit', 500),
      });
    }),
  );
}
