/**
 * Use case: the Office's link actions on one assignment or one unit (dashboard forms and JSON API):
 * issue a new link, revoke one link, revoke every link. Each revocation and its audit event are
 * one transaction: a revocation is never left unaudited, an audit row never claims a revocation
 * that did not happen. Issuing writes nothing but its audit row (the token is signed, not stored).
 *
 * Revoking every link never leaves the unit without a working link: it comes with either a fresh
 * assignment notice by email (signed when the mailer renders it, so in the new epoch) or a new link
 * shown to the Office to hand over. That follow-up goes through the notice pipeline after the
 * revocation committed (the queue port is no part of the transaction), with its own audit event.
 * Every event names the link id (jti) or the notice it concerns. Token signing stays in
 * infra/links.ts (over the pure domain/links.ts).
 */
import type { PrismaClient } from '../generated/prisma/client';
import type { NoticePayload, NotificationPort } from '../contracts/notification';
import { isClosed } from '../domain/lifecycle';
import { noticeKey } from '../domain/notices';
import { audit } from './audit';
import type { LinkService } from '../contracts/links';

export interface LinkDeps {
  db: PrismaClient;
  links: LinkService;
  /** where re-sent assignment notices go (the queue port, or the outbox) */
  notify: NotificationPort;
  clock: () => number;
}

/** After revoking every link: email a new one to the unit (default), or show one to the Office. */
export type AfterRevoke = 'email' | 'link';

export type LinkActionResult =
  | { ok: true; message: string; url?: string; jti?: string; expiresAt?: string; noticeId?: string }
  | { ok: false; code: 'NOT_FOUND'; message: string };

const NO_ASSIGNMENT = { ok: false, code: 'NOT_FOUND', message: '没有这项任务分工' } as const;

async function findAssignment(db: PrismaClient, id: string) {
  return db.assignment.findUnique({
    where: { id },
    select: {
      id: true,
      unitId: true,
      taskId: true,
      state: true,
      dueAt: true,
      unit: { select: { name: true } },
      task: { select: { number: true, plan: { select: { slug: true } } } },
    },
  });
}
type Found = NonNullable<Awaited<ReturnType<typeof findAssignment>>>;

export async function issueLink(
  d: LinkDeps,
  o: { assignmentId: string; actor: string; ttlMs?: number },
): Promise<LinkActionResult> {
  const a = await findAssignment(d.db, o.assignmentId);
  if (!a) return NO_ASSIGNMENT;
  const { claims, url } = await d.links.issue(a.id, o.ttlMs ? { ttlMs: o.ttlMs } : {});
  const expiresAt = new Date(claims.expiresAt).toISOString();
  await audit(d.db, {
    actor: o.actor,
    action: 'link.issued',
    entityType: 'Link',
    entityId: claims.jti,
    assignmentId: a.id,
    unitId: a.unitId,
    taskId: a.taskId,
    data: { jti: claims.jti, epoch: claims.epoch, expiresAt },
  });
  return { ok: true, message: '已生成新链接（此前的链接仍然有效，除非撤销）。', url, jti: claims.jti, expiresAt };
}

/** A fresh assignment notice (任务交办通知) for the unit's liaison through the notice pipeline, and its audit event. */
async function resendAssignmentNotice(
  d: LinkDeps,
  a: Found,
  o: { actor: string; generation: number | undefined },
): Promise<string> {
  const now = d.clock();
  const last = await d.db.notice.findFirst({
    where: { assignmentId: a.id, kind: 'assignment' },
    orderBy: { createdAt: 'desc' },
    select: { payload: true },
  });
  const payload: NoticePayload = {
    ...((last?.payload as NoticePayload | null) ?? { to: ['liaison'], task: a.task.number, plan: a.task.plan.slug }),
    // as the assignment is now (an approved extension moved the deadline since the first notice)
    unit: a.unit.name,
    ...(a.dueAt ? { dueAt: a.dueAt.toISOString() } : {}),
    nominalAt: new Date(now).toISOString(),
    reissued: true,
  };
  const r = await d.notify.submit({
    key: noticeKey(a.id, 'assignment', now),
    kind: 'assignment',
    assignmentId: a.id,
    scope: null,
    dueAt: new Date(now).toISOString(),
    slipId: null,
    payload,
  });
  await audit(d.db, {
    actor: o.actor,
    action: 'link.reissued',
    entityType: 'Notice',
    entityId: r.noticeId,
    assignmentId: a.id,
    unitId: a.unitId,
    taskId: a.taskId,
    data: { noticeId: r.noticeId, jti: r.noticeId, generation: o.generation },
  });
  return r.noticeId;
}

/**
 * Revokes every link of every assignment of a unit (a liaison left, a mailbox was compromised), with
 * its audit event, in one transaction; then re-sends each open assignment's notice so the unit has a
 * working link for each.
 */
export async function revokeUnitLinks(
  d: LinkDeps,
  o: { unitId: string; actor: string; reason?: string },
): Promise<LinkActionResult & { assignments?: number; notices?: number }> {
  const unit = await d.db.unit.findUnique({ where: { id: o.unitId }, select: { id: true, name: true } });
  if (!unit) return { ok: false, code: 'NOT_FOUND', message: '没有这个单位' };
  const ids = (
    await d.db.assignment.findMany({ where: { unitId: unit.id }, select: { id: true }, orderBy: { id: 'asc' } })
  ).map((a) => a.id);
  const { actor } = o;
  const generations = await d.db.$transaction(async (tx) => {
    const g = await d.links.revokeAll(ids, { actor, ...(o.reason ? { reason: o.reason } : {}) }, tx);
    // the workspace links (本单位督办事项, in every letter) go with them: the unit's epoch is replaced
    const workspaceGeneration = await d.links.revokeWorkspace(unit.id, { actor }, tx);
    await audit(tx, {
      actor,
      action: 'link.revoked',
      entityType: 'Unit',
      entityId: unit.id,
      unitId: unit.id,
      data: { all: true, unit: unit.name, assignments: ids.length, workspaceGeneration, reason: o.reason ?? null },
    });
    return g;
  });
  let notices = 0;
  for (const id of ids) {
    const a = await findAssignment(d.db, id);
    if (!a || isClosed(a.state)) continue;
    await resendAssignmentNotice(d, a, { actor, generation: generations.get(id) });
    notices++;
  }
  return {
    ok: true,
    message: `已撤销${unit.name}全部 ${ids.length} 项分工的链接和本单位督办事项链接，并重新发送 ${notices} 份任务交办通知（含新链接）。`,
    assignments: ids.length,
    notices,
  };
}

/**
 * Revokes one link of an assignment (`jti`), or every link, each with its audit event in one
 * transaction. Every link of an open assignment is followed by a new one (`then`).
 */
export async function revokeLinks(
  d: LinkDeps,
  o: { assignmentId: string; actor: string; jti?: string; reason?: string; then?: AfterRevoke },
): Promise<LinkActionResult> {
  const a = await findAssignment(d.db, o.assignmentId);
  if (!a) return NO_ASSIGNMENT;
  const { actor } = o;
  const ids = { assignmentId: a.id, unitId: a.unitId, taskId: a.taskId };
  const why = o.reason ? { reason: o.reason } : {};
  if (o.jti) {
    const jti = o.jti;
    await d.db.$transaction(async (tx) => {
      await d.links.revoke(a.id, { jti, actor, ...why }, tx);
      await audit(tx, {
        actor,
        action: 'link.revoked',
        entityType: 'Link',
        entityId: jti,
        ...ids,
        data: { jti, all: false, reason: o.reason ?? null },
      });
    });
    return { ok: true, message: '该链接已撤销。' };
  }
  const generation = await d.db.$transaction(async (tx) => {
    const g = (await d.links.revokeAll([a.id], { actor, ...why }, tx)).get(a.id);
    await audit(tx, {
      actor,
      action: 'link.revoked',
      entityType: 'Link',
      entityId: a.id,
      ...ids,
      data: { all: true, generation: g, reason: o.reason ?? null },
    });
    return g;
  });
  if (isClosed(a.state)) return { ok: true, message: '此前发出的全部链接已撤销（该分工已结束，无需新链接）。' };
  if (o.then === 'link') {
    const issued = await issueLink(d, { assignmentId: a.id, actor });
    return issued.ok
      ? { ...issued, message: `此前发出的全部链接已撤销。请将下面的新链接转交${a.unit.name}。` }
      : issued;
  }
  const noticeId = await resendAssignmentNotice(d, a, { actor, generation });
  return {
    ok: true,
    message: `此前发出的全部链接已撤销，已向${a.unit.name}重新发送任务交办通知，邮件中的新链接可以使用。`,
    noticeId,
    jti: noticeId,
  };
}

export type WorkspaceLinkResult =
  | { ok: true; url: string; jti: string; expiresAt: string; unit: string; plan: string }
  | { ok: false; code: 'NOT_FOUND' | 'PLAN_REQUIRED'; message: string };

/**
 * A new link to a unit's workspace (本单位督办事项) for one plan, for the Office to pass on by other
 * means (`dubang units link`, the unit's dashboard page); audited as `link.issued`. Without a plan,
 * the unit's only plan with assignments; with several, the caller must name one.
 */
export async function issueWorkspaceLink(
  d: LinkDeps,
  o: ({ unit: string } | { unitId: string }) & { plan?: string; actor: string; ttlMs?: number },
): Promise<WorkspaceLinkResult> {
  // by name or alias (the CLI), or by id (the unit's dashboard page)
  const unit = await d.db.unit.findFirst({
    where: 'unitId' in o ? { id: o.unitId } : { OR: [{ name: o.unit }, { aliases: { some: { alias: o.unit } } }] },
    select: { id: true, name: true },
  });
  if (!unit)
    return {
      ok: false,
      code: 'NOT_FOUND',
      message: 'unit' in o ? `没有名为「${o.unit}」的单位（可用 dubang units list 查看）` : '没有这个单位',
    };
  const plans = await d.db.plan.findMany({
    where: { tasks: { some: { assignments: { some: { unitId: unit.id } } } }, ...(o.plan ? { slug: o.plan } : {}) },
    select: { id: true, slug: true },
    orderBy: { slug: 'asc' },
  });
  if (!plans.length)
    return {
      ok: false,
      code: 'NOT_FOUND',
      message: o.plan ? `方案「${o.plan}」中没有${unit.name}的任务分工` : `${unit.name}没有任何方案的任务分工`,
    };
  if (plans.length > 1)
    return {
      ok: false,
      code: 'PLAN_REQUIRED',
      message: `${unit.name}在 ${plans.length} 个方案中有任务分工（${plans.map((p) => p.slug).join('、')}），请用 --plan 指定其一`,
    };
  const plan = plans[0]!;
  const { claims, url } = await d.links.issueWorkspace(unit.id, plan.id, o.ttlMs ? { ttlMs: o.ttlMs } : {});
  const expiresAt = new Date(claims.expiresAt).toISOString();
  await audit(d.db, {
    actor: o.actor,
    action: 'link.issued',
    entityType: 'Workspace',
    entityId: claims.jti,
    unitId: unit.id,
    planId: plan.id,
    data: { jti: claims.jti, workspace: true, plan: plan.slug, epoch: claims.epoch, expiresAt },
  });
  return { ok: true, url, jti: claims.jti, expiresAt, unit: unit.name, plan: plan.slug };
}
