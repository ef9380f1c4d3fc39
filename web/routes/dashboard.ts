/**
 * Dashboard pages (HTML). Signed-in Office and leadership read; only the Office acts (forms carry
 * the session's CSRF token, checked in server.ts). Actions answer with the page itself, showing
 * what was done or the lifecycle's refusal reason.
 */
import { directoryGaps } from '../../app/contacts-check';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as q from '../../app/dashboard/queries';
import { replaceContacts, type ContactInput } from '../../app/dashboard/contacts';
import type { WebContext } from '../context';
import { officeAct } from '../office-actions';
import { issueLink, issueWorkspaceLink, revokeLinks } from '../../app/links';
import { implicitNotified } from '../../app/notify-roles';
import { assignmentLetters, unitLetters } from '../../app/workspace';
import { resendLetter } from '../../app/notices/letters';
import { sqlFromPrisma } from '../../app/notices/sql';
import { audit } from '../../app/audit';
import { formatDay as fmtDay } from '../../domain/messages/format';
import { decodeFlash, encodeFlash, FLASH_COOKIE } from '../flash';
import { intParam, lightParam, strParam, uuidParam, type Query } from '../params';
import { errorPage, layout, sendPage } from '../views/layout';
import * as v from '../views/dashboard';
import type { SafeHtml } from '../html';
import { ErrorCodes, isDubangError } from '../../contracts/errors';

export function registerDashboard(app: FastifyInstance, ctx: WebContext): void {
  const read = { preHandler: ctx.requireSession };
  const write = { preHandler: ctx.requireOffice };
  const params = () => ctx.read.lightParams();
  const page = (
    req: FastifyRequest,
    reply: FastifyReply,
    title: string,
    active: string,
    body: SafeHtml,
    status = 200,
    scripts: string[] = [],
  ) => sendPage(reply, layout({ title, active, session: req.session, scripts }, body), status);
  const guard = async (reply: FastifyReply, fn: () => Promise<unknown>) => {
    try {
      return await fn();
    } catch (err) {
      if (isDubangError(err, ErrorCodes.QueryError)) return sendPage(reply, errorPage(400, err.message), 400);
      throw err;
    }
  };
  const paging = (query: Query) => ({
    limit: intParam(query.limit, 'limit', 500) ?? 100,
    offset: intParam(query.offset, 'offset', 10_000_000) ?? 0,
  });
  const charts = ['/static/echarts.min.js', '/static/dashboard.js'];
  // whether rule-bound (属地落实) assignments get their own emails (the plans' notifyRoles, app/notify-roles.ts):
  // the pages say so when they count them apart
  const implicitEmailed = (plan?: string) => implicitNotified(ctx.db, ctx.policy, plan);

  app.get<{ Querystring: Query }>('/', read, (req, reply) =>
    guard(reply, async () => {
      const f = {
        plan: strParam(req.query.plan, 'plan'),
        light: lightParam(req.query.light),
        unitKind: strParam(req.query.unitKind, 'unitKind', /^(BUREAU|COUNTY|DEV_ZONE|MANAGEMENT|OTHER)$/),
      };
      return page(
        req,
        reply,
        '总览',
        'overview',
        v.overviewPage(await ctx.read.overview(f), f, await implicitEmailed(f.plan), await directoryGaps(ctx.db)),
        200,
        charts,
      );
    }),
  );

  app.get<{ Querystring: Query }>('/tasks', read, (req, reply) =>
    guard(reply, async () => {
      const f = {
        plan: strParam(req.query.plan, 'plan'),
        light: lightParam(req.query.light),
        q: req.query.q?.slice(0, 100) || undefined,
        ...paging(req.query),
      };
      const [r, plans] = await Promise.all([
        ctx.read.taskList(f),
        ctx.db.plan.findMany({ select: { slug: true, title: true } }),
      ]);
      return page(req, reply, '任务', 'tasks', v.tasksPage(r, f, plans));
    }),
  );

  app.get<{ Params: { id: string } }>('/tasks/:id', read, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const d = id ? await ctx.read.taskDetail(id) : null;
      if (!d) return sendPage(reply, errorPage(404, '没有这个任务'), 404);
      return page(req, reply, `任务(${d.task.number})`, 'tasks', v.taskPage(d, ctx.zone));
    }),
  );

  app.get('/units', read, async (req, reply) =>
    page(
      req,
      reply,
      '单位',
      'units',
      v.unitsPage((await q.overview(ctx.db, params())).units, await implicitEmailed(), await directoryGaps(ctx.db)),
    ),
  );

  app.get<{ Params: { id: string }; Querystring: Query }>('/units/:id', read, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const f = { light: lightParam(req.query.light), ...paging(req.query) };
      const d = id ? await ctx.read.unitDetail(id, f) : null;
      if (!d) return sendPage(reply, errorPage(404, '没有这个单位'), 404);
      const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
      if (flash) reply.clearCookie(FLASH_COOKIE, { path: `/units/${d.unit.id}` });
      return page(
        req,
        reply,
        d.unit.name,
        'units',
        v.unitPage(d, ctx.zone, req.session!.role === 'office', f, await implicitEmailed(), {
          // read fresh (not from the cached read model): a read receipt or a resend shows at once
          ...(await unitLetterState(d.unit.id)),
          csrf: req.session!.csrfToken,
          message: flash?.message ?? null,
        }),
      );
    }),
  );

  /** The letters a unit received, and the plans it has tasks in (for its workspace link). */
  async function unitLetterState(unitId: string) {
    const [letters, plans] = await Promise.all([
      unitLetters(ctx.db, unitId),
      ctx.db.plan.findMany({
        where: { tasks: { some: { assignments: { some: { unitId } } } } },
        select: { slug: true, title: true },
        orderBy: { slug: 'asc' },
      }),
    ]);
    return { letters, plans };
  }

  /** Answers an Office action on a unit's page with a redirect back to it, the outcome in a flash. */
  function backToUnit(reply: FastifyReply, unitId: string, message: { kind: 'ok' | 'refused'; text: string }) {
    reply.setCookie(FLASH_COOKIE, encodeFlash({ message: { ...message, text: message.text.slice(0, 1500) } }), {
      path: `/units/${unitId}`,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secureCookies,
      maxAge: 300,
    });
    return reply.redirect(`/units/${unitId}`, 303);
  }

  // 本单位督办事项链接: a new signed link for the Office to pass on by other means (audited)
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/units/:id/workspace-link',
    write,
    (req, reply) =>
      guard(reply, async () => {
        const id = uuidParam(req.params.id, 'id');
        if (!id) return sendPage(reply, errorPage(404, '没有这个单位'), 404);
        const plan = typeof req.body?.plan === 'string' && req.body.plan ? req.body.plan : undefined;
        const r = await issueWorkspaceLink(ctx, {
          unitId: id,
          ...(plan ? { plan } : {}),
          actor: `office:${req.session!.email}`,
        });
        if (!r.ok) return backToUnit(reply, id, { kind: 'refused', text: r.message });
        return backToUnit(reply, id, {
          kind: 'ok',
          text: `已生成${r.unit}本单位督办事项链接（方案 ${r.plan}，${fmtDay(r.expiresAt, ctx.zone)}前有效），请转交该单位：${r.url}`,
        });
      }),
  );

  // 重发督办函: a new letter with the same items, sent now as its own notice (audited)
  app.post<{ Params: { id: string; letterId: string } }>('/units/:id/letters/:letterId/resend', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const letterId = uuidParam(req.params.letterId, 'letterId');
      if (!id || !letterId) return sendPage(reply, errorPage(404, '没有这封督办函'), 404);
      const owned = await ctx.db.letter.findFirst({ where: { id: letterId, unitId: id }, select: { id: true } });
      const r = owned ? await resendLetter({ sql: sqlFromPrisma(ctx.db), notify: ctx.notify }, letterId) : null;
      if (!r) return backToUnit(reply, id, { kind: 'refused', text: '这封督办函尚未发出或不存在，无需重发。' });
      await audit(ctx.db, {
        actor: `office:${req.session!.email}`,
        action: 'letter.resent',
        entityType: 'Letter',
        entityId: r.letterId,
        unitId: id,
        data: { resendOf: letterId, noticeId: r.noticeId, email: r.email },
      });
      return backToUnit(reply, id, { kind: 'ok', text: `已重发督办函至 ${r.email}（新的通知已登记，稍后发出）。` });
    }),
  );

  app.get<{ Params: { id: string } }>('/units/:id/contacts', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const d = id ? await ctx.read.unitDetail(id, { limit: 1 }) : null;
      if (!d) return sendPage(reply, errorPage(404, '没有这个单位'), 404);
      return page(req, reply, '修改联系人', 'units', v.contactsForm(d, req.session!.csrfToken, null));
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/units/:id/contacts', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      if (!id) return sendPage(reply, errorPage(404, '没有这个单位'), 404);
      const b = req.body ?? {};
      const n = Math.min(Number(b.rows) || 0, 50);
      const contacts: Partial<ContactInput>[] = [];
      for (let i = 0; i < n; i++) {
        const name = String(b[`name_${i}`] ?? '').trim();
        const email = String(b[`email_${i}`] ?? '').trim();
        if (!name && !email) continue;
        // the form shows a checkbox on every row: absent means unticked
        contacts.push({
          role: String(b[`role_${i}`]) as ContactInput['role'],
          name,
          email,
          phone: String(b[`phone_${i}`] ?? '') || null,
          digest: b[`digest_${i}`] === '1',
        });
      }
      let message: { kind: 'ok' | 'refused'; text: string };
      let status = 200;
      try {
        await replaceContacts(ctx.db, id, contacts, `office:${req.session!.email}`);
        // the page below must show what was saved, not the cached read from before (onSend invalidates too late for it)
        ctx.read.invalidate();
        message = { kind: 'ok', text: '联系人已保存。' };
      } catch (err) {
        if (!isDubangError(err, ErrorCodes.ContactInputError)) throw err;
        message = { kind: 'refused', text: err.message };
        status = 422;
      }
      const d = await ctx.read.unitDetail(id, { limit: 1 });
      if (!d) return sendPage(reply, errorPage(404, '没有这个单位'), 404);
      return page(req, reply, '修改联系人', 'units', v.contactsForm(d, req.session!.csrfToken, message), status);
    }),
  );

  async function assignmentView(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string | undefined,
    status = 200,
    message: { kind: 'ok' | 'refused'; text: string } | null = null,
    newLink: string | null = null,
  ) {
    const d = id ? await q.assignmentDetail(ctx.db, params(), id) : null;
    if (!d) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
    const units = req.session!.role === 'office' ? await q.assignableUnits(ctx.db) : [];
    const letters = await assignmentLetters(ctx.db, d.assignment.id);
    return page(
      req,
      reply,
      `任务(${d.assignment.task.number}) ${d.assignment.unit.name}`,
      'tasks',
      v.assignmentPage(d, { zone: ctx.zone, session: req.session!, message, newLink, units, letters }),
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/assignments/:id', read, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      // the result of a decision posted just before (the POST redirected here)
      const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
      if (flash && id) reply.clearCookie(FLASH_COOKIE, { path: `/assignments/${id}` });
      return assignmentView(req, reply, id, 200, flash?.message ?? null);
    }),
  );

  // A decision's answer is the assignment page shown at the form's address: reloading it, or opening
  // that address again later, is a GET there, which leads back to the assignment instead of 页面不存在.
  app.get<{ Params: { id: string; action: string } }>('/assignments/:id/actions/:action', read, async (req, reply) => {
    const id = uuidParam(req.params.id, 'id');
    return id ? reply.redirect(`/assignments/${id}`, 303) : sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
  });
  app.get<{ Params: { id: string } }>('/assignments/:id/links', read, async (req, reply) => {
    const id = uuidParam(req.params.id, 'id');
    return id ? reply.redirect(`/assignments/${id}`, 303) : sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
  });

  app.post<{ Params: { id: string; action: string }; Body: Record<string, unknown> }>(
    '/assignments/:id/actions/:action',
    write,
    (req, reply) =>
      guard(reply, async () => {
        const id = uuidParam(req.params.id, 'id');
        if (!id) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
        const r = await officeAct(ctx, req.session!, id, req.params.action, req.body ?? {});
        // post/redirect/get (flash.ts): the Office lands on the assignment's own address, so reloading
        // it shows the result again instead of posting the decision a second time
        reply.setCookie(
          FLASH_COOKIE,
          encodeFlash({ message: { kind: r.status === 200 ? 'ok' : 'refused', text: r.message.slice(0, 1000) } }),
          { path: `/assignments/${id}`, httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies, maxAge: 300 },
        );
        return reply.redirect(`/assignments/${id}`, 303);
      }),
  );

  app.post<{ Params: { id: string } }>('/assignments/:id/links', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const r = id ? await issueLink(ctx, { assignmentId: id, actor: `office:${req.session!.email}` }) : null;
      if (!r || !r.ok) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
      return assignmentView(req, reply, id!, 200, { kind: 'ok', text: r.message }, r.url ?? null);
    }),
  );

  // 撤销全部链接 asks first (a page, since the pages run no inline script), and never leaves the
  // unit without a working link: the confirmation chooses between emailing a new one and showing one.
  app.get<{ Params: { id: string } }>('/assignments/:id/links/revoke', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const d = id ? await q.assignmentDetail(ctx.db, params(), id) : null;
      if (!d) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
      return page(req, reply, '撤销全部链接', 'tasks', v.revokeLinksConfirm(d, req.session!.csrfToken));
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/assignments/:id/links/revoke',
    write,
    (req, reply) =>
      guard(reply, async () => {
        const id = uuidParam(req.params.id, 'id');
        if (!id) return sendPage(reply, errorPage(404, '没有这项任务分工'), 404);
        if (req.body?.confirm !== 'yes') return reply.redirect(`/assignments/${id}/links/revoke`, 303);
        const r = await revokeLinks(ctx, {
          assignmentId: id,
          actor: `office:${req.session!.email}`,
          then: req.body?.then === 'link' ? 'link' : 'email',
        });
        if (!r.ok) return sendPage(reply, errorPage(404, r.message), 404);
        return assignmentView(req, reply, id, 200, { kind: 'ok', text: r.message }, r.url ?? null);
      }),
  );

  app.get('/reviews', read, async (req, reply) => {
    const [completion, extension] = await Promise.all([
      ctx.read.assignmentList({ state: 'COMPLETION_REQUESTED', limit: 500 }),
      ctx.read.extensionList({ status: 'REQUESTED', limit: 500 }),
    ]);
    const requests = await q.pendingCompletionRequests(
      ctx.db,
      completion.rows.map((r) => r.id),
    );
    return page(req, reply, '待审', 'reviews', v.reviewsPage(completion.rows, extension.rows, ctx.zone, requests));
  });

  app.get<{ Querystring: Query }>('/slips', read, (req, reply) =>
    guard(reply, async () => {
      const open = strParam(req.query.open, 'open', /^[01]$/);
      const f = {
        colour: strParam(req.query.colour, 'colour', /^(BLUE|ORANGE|RED)$/),
        ...(open !== undefined ? { open: open === '1' } : {}),
        ...paging(req.query),
      };
      return page(req, reply, '督办单', 'slips', v.slipsPage(await ctx.read.slipList(f), ctx.zone, f));
    }),
  );

  app.get<{ Querystring: Query }>('/notices', read, (req, reply) =>
    guard(reply, async () => {
      const f = {
        status: strParam(req.query.status, 'status', /^(PENDING|QUEUED|SENT|SKIPPED|FAILED|DEAD)$/),
        kind: strParam(req.query.kind, 'kind', /^[a-z_]{1,40}$/),
        ...paging(req.query),
      };
      return page(req, reply, '通知记录', 'notices', v.noticesPage(await ctx.read.noticeList(f), ctx.zone, f));
    }),
  );

  app.get<{ Querystring: Query }>('/indicators', read, (req, reply) =>
    guard(reply, async () =>
      page(
        req,
        reply,
        '指标进度',
        'indicators',
        v.indicatorsPage(await ctx.read.indicatorProgress({ plan: strParam(req.query.plan, 'plan') }), ctx.zone),
        200,
        charts,
      ),
    ),
  );

  app.get<{ Querystring: Query }>('/audit', read, (req, reply) =>
    guard(reply, async () => {
      const f = {
        action: strParam(req.query.action, 'action', /^[a-z_.]{1,60}$/),
        before: strParam(req.query.before, 'before', /^\d{1,19}$/),
      };
      return page(
        req,
        reply,
        '审计日志',
        'audit',
        v.auditPage(await q.auditLog(ctx.db, { ...f, limit: 100 }), ctx.zone, f),
      );
    }),
  );
}
