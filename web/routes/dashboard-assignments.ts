/**
 * The dashboard's assignment routes: an assignment's page, the Office's decisions on it
 * (post/redirect/get), new links and 撤销全部链接 (asked first, on a page of its own).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as q from '../../app/dashboard/queries';
import { officeAct } from '../office-actions';
import { issueLink, revokeLinks } from '../../app/links';
import { assignmentLetters } from '../../app/workspace';
import { decodeFlash, FLASH_COOKIE } from '../flash';
import { uuidParam } from '../params';
import { assignmentPage, revokeLinksConfirm } from '../views/dashboard-assignment';
import type { DashboardKit, PageMessage } from './dashboard-kit';

const NO_ASSIGNMENT = '没有这项任务分工';

/** The assignment page, with the outcome of what was just done and a new link to show, if any. */
async function assignmentView(
  k: DashboardKit,
  req: FastifyRequest,
  reply: FastifyReply,
  id: string | undefined,
  message: PageMessage | null = null,
  newLink: string | null = null,
) {
  const { ctx } = k;
  const d = id ? await q.assignmentDetail(ctx.db, k.params(), id) : null;
  if (!d) return k.notFound(reply, NO_ASSIGNMENT);
  const units = req.session!.role === 'office' ? await q.assignableUnits(ctx.db) : [];
  const letters = await assignmentLetters(ctx.db, {
    id: d.assignment.id,
    unitId: d.assignment.unitId,
    planSlug: d.assignment.task.plan.slug,
  });
  return k.page(
    req,
    reply,
    `任务(${d.assignment.task.number}) ${d.assignment.unit.name}`,
    'tasks',
    assignmentPage(d, { zone: ctx.zone, session: req.session!, message, newLink, units, letters }),
  );
}

export function registerAssignments(app: FastifyInstance, k: DashboardKit): void {
  const { ctx, read, write, guard } = k;

  app.get<{ Params: { id: string } }>('/assignments/:id', read, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      // the result of a decision posted just before (the POST redirected here)
      const flash = decodeFlash(req.cookies[FLASH_COOKIE]);
      if (flash && id) reply.clearCookie(FLASH_COOKIE, { path: `/assignments/${id}` });
      return assignmentView(k, req, reply, id, flash?.message ?? null);
    }),
  );

  // A decision's answer is the assignment page shown at the form's address: reloading it, or opening
  // that address again later, is a GET there, which leads back to the assignment instead of 页面不存在.
  for (const path of ['/assignments/:id/actions/:action', '/assignments/:id/links'])
    app.get<{ Params: { id: string } }>(path, read, async (req, reply) => {
      const id = uuidParam(req.params.id, 'id');
      return id ? reply.redirect(`/assignments/${id}`, 303) : k.notFound(reply, NO_ASSIGNMENT);
    });

  app.post<{ Params: { id: string; action: string }; Body: Record<string, unknown> }>(
    '/assignments/:id/actions/:action',
    write,
    (req, reply) =>
      guard(reply, async () => {
        const id = uuidParam(req.params.id, 'id');
        if (!id) return k.notFound(reply, NO_ASSIGNMENT);
        const r = await officeAct(ctx, req.session!, id, req.params.action, req.body ?? {});
        // post/redirect/get (flash.ts): the Office lands on the assignment's own address, so reloading
        // it shows the result again instead of posting the decision a second time
        return k.redirectWithFlash(reply, `/assignments/${id}`, {
          kind: r.status === 200 ? 'ok' : 'refused',
          text: r.message,
        });
      }),
  );

  app.post<{ Params: { id: string } }>('/assignments/:id/links', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const r = id ? await issueLink(ctx, { assignmentId: id, actor: `office:${req.session!.email}` }) : null;
      if (!r || !r.ok) return k.notFound(reply, NO_ASSIGNMENT);
      return assignmentView(k, req, reply, id!, { kind: 'ok', text: r.message }, r.url ?? null);
    }),
  );

  registerRevokeLinks(app, k);
}

// 撤销全部链接 asks first (a page, since the pages run no inline script), and never leaves the
// unit without a working link: the confirmation chooses between emailing a new one and showing one.
function registerRevokeLinks(app: FastifyInstance, k: DashboardKit): void {
  const { ctx, write, guard } = k;

  app.get<{ Params: { id: string } }>('/assignments/:id/links/revoke', write, (req, reply) =>
    guard(reply, async () => {
      const id = uuidParam(req.params.id, 'id');
      const d = id ? await q.assignmentDetail(ctx.db, k.params(), id) : null;
      if (!d) return k.notFound(reply, NO_ASSIGNMENT);
      return k.page(req, reply, '撤销全部链接', 'tasks', revokeLinksConfirm(d, req.session!.csrfToken));
    }),
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/assignments/:id/links/revoke',
    write,
    (req, reply) =>
      guard(reply, async () => {
        const id = uuidParam(req.params.id, 'id');
        if (!id) return k.notFound(reply, NO_ASSIGNMENT);
        if (req.body?.confirm !== 'yes') return reply.redirect(`/assignments/${id}/links/revoke`, 303);
        const r = await revokeLinks(ctx, {
          assignmentId: id,
          actor: `office:${req.session!.email}`,
          then: req.body?.then === 'link' ? 'link' : 'email',
        });
        if (!r.ok) return k.notFound(reply, r.message);
        return assignmentView(k, req, reply, id, { kind: 'ok', text: r.message }, r.url ?? null);
      }),
  );
}
