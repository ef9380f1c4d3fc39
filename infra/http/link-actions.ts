/**
 * The Office's link actions on one assignment, shared by the dashboard's forms and the JSON API:
 * issue a new link, revoke one link, revoke every link. Revoking every link never leaves the unit
 * without a working link: it comes with either a fresh assignment notice by email (signed when the
 * mailer renders it, so in the new epoch) or a new link shown to the Office to hand over.
 * Each action is audited with the link id (jti) it concerns.
 */
import type { NoticePayload, NotificationPort } from '../../contracts/notification';
import { noticeKey } from '../../domain/notices';
import { audit } from '../audit';
import { createOutboxNotificationPort } from '../outbox';
import type { WebContext } from './server';
import type { WebSession } from './sessions';

/** After revoking every link: email a new one to the unit (default), or show one to the Office. */
export type AfterRevoke = 'email' | 'link';

export interface LinkActionResult {
  status: number;
  message: string;
  code?: string;
  url?: string;
  jti?: string;
  expiresAt?: string;
  noticeId?: string;
}

async function findAssignment(ctx: WebContext, id: string) {
  return ctx.db.assignment.findUnique({ where: { id }, select: { id: true, unitId: true, taskId: true, state: true, dueAt: true, unit: { select: { name: true } }, task: { select: { number: true, plan: { select: { slug: true } } } } } });
}

export async function issueLink(ctx: WebContext, session: WebSession, assignmentId: string, opts: { ttlMs?: number } = {}): Promise<LinkActionResult> {
  const a = await findAssignment(ctx, assignmentId);
  if (!a) return { status: 404, message: '没有这项任务分工', code: 'NOT_FOUND' };
  const { claims, url } = await ctx.links.issue(a.id, opts.ttlMs ? { ttlMs: opts.ttlMs } : {});
  const expiresAt = new Date(claims.expiresAt).toISOString();
  await audit(ctx.db, { actor: `office:${session.email}`, action: 'link.issued', entityType: 'Link', entityId: claims.jti, assignmentId: a.id, unitId: a.unitId, taskId: a.taskId, data: { jti: claims.jti, epoch: claims.epoch, expiresAt } });
  return { status: 200, message: '已生成新链接（此前的链接仍然有效，除非撤销）。', url, jti: claims.jti, expiresAt };
}

/** A fresh assignment notice (任务交办通知) for the unit's liaison, through the notice pipeline. */
async function resendAssignmentNotice(ctx: WebContext, a: NonNullable<Awaited<ReturnType<typeof findAssignment>>>, now: number): Promise<string> {
  const last = await ctx.db.notice.findFirst({ where: { assignmentId: a.id, kind: 'assignment' }, orderBy: { createdAt: 'desc' }, select: { payload: true } });
  const payload: NoticePayload = {
    ...((last?.payload as NoticePayload | null) ?? { to: ['liaison'], task: a.task.number, plan: a.task.plan.slug }),
    // as the assignment is now (an approved extension moved the deadline since the first notice)
    unit: a.unit.name,
    ...(a.dueAt ? { dueAt: a.dueAt.toISOString() } : {}),
    nominalAt: new Date(now).toISOString(),
    reissued: true,
  };
  const port: NotificationPort = ctx.notify ?? createOutboxNotificationPort(ctx.db);
  const r = await port.submit({ key: noticeKey(a.id, 'assignment', now), kind: 'assignment', assignmentId: a.id, scope: null, dueAt: new Date(now).toISOString(), slipId: null, payload });
  return r.noticeId;
}

/**
 * Revokes every link of every assignment of a unit (a liaison left, a mailbox was compromised), in
 * one transaction, and re-sends each open assignment's notice so the unit has a working link for each.
 */
export async function revokeUnitLinks(ctx: WebContext, session: WebSession, unitId: string, opts: { reason?: string } = {}): Promise<LinkActionResult & { assignments?: number; notices?: number }> {
  const unit = await ctx.db.unit.findUnique({ where: { id: unitId }, select: { id: true, name: true } });
  if (!unit) return { status: 404, message: '没有这个单位', code: 'NOT_FOUND' };
  const ids = (await ctx.db.assignment.findMany({ where: { unitId }, select: { id: true }, orderBy: { id: 'asc' } })).map((a) => a.id);
  const actor = `office:${session.email}`;
  const generations = await ctx.links.revokeAll(ids, { actor, ...(opts.reason ? { reason: opts.reason } : {}) });
  await audit(ctx.db, { actor, action: 'link.revoked', entityType: 'Unit', entityId: unit.id, unitId: unit.id, data: { all: true, unit: unit.name, assignments: ids.length, reason: opts.reason ?? null } });
  let notices = 0;
  for (const id of ids) {
    const a = await findAssignment(ctx, id);
    if (!a || a.state === 'COMPLETED' || a.state === 'CANCELLED') continue;
    const noticeId = await resendAssignmentNotice(ctx, a, ctx.clock());
    await audit(ctx.db, { actor, action: 'link.reissued', entityType: 'Notice', entityId: noticeId, assignmentId: a.id, unitId: a.unitId, taskId: a.taskId, data: { noticeId, jti: noticeId, generation: generations.get(id) } });
    notices++;
  }
  return { status: 200, message: `已撤销${unit.name}全部 ${ids.length} 项分工的链接，并重新发送 ${notices} 份任务交办通知（含新链接）。`, assignments: ids.length, notices };
}

export async function revokeLinks(ctx: WebContext, session: WebSession, assignmentId: string, opts: { jti?: string; reason?: string; then?: AfterRevoke }): Promise<LinkActionResult> {
  const a = await findAssignment(ctx, assignmentId);
  if (!a) return { status: 404, message: '没有这项任务分工', code: 'NOT_FOUND' };
  const actor = `office:${session.email}`;
  const ids = { assignmentId: a.id, unitId: a.unitId, taskId: a.taskId };
  if (opts.jti) {
    await ctx.links.revoke(a.id, { jti: opts.jti, actor, ...(opts.reason ? { reason: opts.reason } : {}) });
    await audit(ctx.db, { actor, action: 'link.revoked', entityType: 'Link', entityId: opts.jti, ...ids, data: { jti: opts.jti, all: false, reason: opts.reason ?? null } });
    return { status: 200, message: '该链接已撤销。' };
  }
  const generation = (await ctx.links.revokeAll([a.id], { actor, ...(opts.reason ? { reason: opts.reason } : {}) })).get(a.id);
  await audit(ctx.db, { actor, action: 'link.revoked', entityType: 'Link', entityId: a.id, ...ids, data: { all: true, generation, reason: opts.reason ?? null } });
  const open = a.state !== 'COMPLETED' && a.state !== 'CANCELLED';
  if (!open) return { status: 200, message: '此前发出的全部链接已撤销（该分工已结束，无需新链接）。' };
  if (opts.then === 'link') {
    const issued = await issueLink(ctx, session, a.id);
    return { ...issued, message: `此前发出的全部链接已撤销。请将下面的新链接转交${a.unit.name}。` };
  }
  const noticeId = await resendAssignmentNotice(ctx, a, ctx.clock());
  await audit(ctx.db, { actor, action: 'link.reissued', entityType: 'Notice', entityId: noticeId, ...ids, data: { noticeId, jti: noticeId, generation } });
  return { status: 200, message: `此前发出的全部链接已撤销，已向${a.unit.name}重新发送任务交办通知，邮件中的新链接可以使用。`, noticeId, jti: noticeId };
}
