/**
 * Before supervision starts: every unit the plan's notices go to can be reached. A unit holding an
 * assignment whose role is notified (the plan's notifyRoles) needs a liaison or leader contact, and
 * a group the import created (`--new-units`) needs members; otherwise its notices would go nowhere
 * while its lifecycle counts them as sent. `supervise start` refuses, naming every such unit and
 * what fixes it.
 */
import type { PrismaClient } from '../generated/prisma/client';
import type { AssignmentRole } from '../domain/model';
import { isPolicy } from '../domain/policy';
import { canonicalRoles, effectiveNotifyRoles } from './notify-roles';

/** A unit that cannot be notified, and what it lacks. */
export interface UnreachableUnit {
  id: string;
  name: string;
  missing: '联系人' | '成员';
}

const NOTIFIED_CONTACT = ['LIAISON', 'LEADER'] as const;

/**
 * Units a plan import created (`--new-units`) that still cannot be supervised: a unit without a
 * liaison or leader contact, a group without members.
 */
export async function incompleteUnits(db: PrismaClient, slug: string): Promise<UnreachableUnit[]> {
  const events = await db.auditEvent.findMany({
    where: { action: 'unit.created', data: { path: ['plan'], equals: slug } },
    select: { unitId: true },
  });
  const ids = events.map((e) => e.unitId).filter((x): x is string => !!x);
  if (!ids.length) return [];
  const units = await db.unit.findMany({
    where: { id: { in: ids } },
    include: { contacts: { select: { role: true } }, members: { select: { memberId: true } } },
    orderBy: { name: 'asc' },
  });
  return units.flatMap((u): UnreachableUnit[] =>
    u.kind === 'GROUP'
      ? u.members.length
        ? []
        : [{ id: u.id, name: u.name, missing: '成员' }]
      : u.contacts.some((c) => (NOTIFIED_CONTACT as readonly string[]).includes(c.role))
        ? []
        : [{ id: u.id, name: u.name, missing: '联系人' }],
  );
}

/**
 * Every unit of the plan that cannot be notified: those `incompleteUnits` lists, and every unit
 * holding a live assignment in a notified role (`notifyRoles` as `supervise start` was given it,
 * else the plan's stored choice or the policy's; none without a policy) with no liaison or leader
 * contact. By name.
 */
export async function unreachableUnits(
  db: PrismaClient,
  opts: { planSlug: string; policy: unknown; notifyRoles?: AssignmentRole[] },
): Promise<UnreachableUnit[]> {
  const slug = opts.planSlug;
  const plan = await db.plan.findUnique({ where: { slug }, select: { notifyRoles: true } });
  const roles =
    plan && isPolicy(opts.policy)
      ? opts.notifyRoles
        ? canonicalRoles(opts.notifyRoles)
        : effectiveNotifyRoles(plan.notifyRoles, opts.policy)
      : [];
  const bound = roles.length
    ? await db.unit.findMany({
        where: {
          kind: { not: 'GROUP' },
          contacts: { none: { role: { in: [...NOTIFIED_CONTACT] } } },
          assignments: {
            some: { cancelledAt: null, role: { in: roles }, task: { cancelledAt: null, plan: { slug } } },
          },
        },
        select: { id: true, name: true },
      })
    : [];
  const all = new Map<string, UnreachableUnit>();
  for (const u of [...(await incompleteUnits(db, slug)), ...bound.map((u) => ({ ...u, missing: '联系人' as const }))])
    all.set(u.name, u);
  return [...all.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh'));
}

/** The refusal: each unit with what it lacks, and where to fix it (the unit's contacts page, or the directory file). */
export function unreachableMessage(units: readonly UnreachableUnit[]): string {
  const list = units.map((u) => `${u.name}（缺${u.missing}）`).join('、');
  const pages = units.filter((u) => u.missing === '联系人').map((u) => `/units/${u.id}/contacts`);
  const shown = pages.slice(0, 5).join('，') + (pages.length > 5 ? ' …' : '');
  return (
    `无法启动督办：以下单位无法接收通知——${list}。` +
    `请先补充：联系人在看板单位页的「联系人 修改」填写${pages.length ? `（${shown}）` : ''}，` +
    `或用 dubang units import <名录文件> 导入；单位组的成员用 dubang units import 补充。补充后再启动`
  );
}

/**
 * What the dashboard marks in its units list: every unit of the directory that would hold
 * assignments and has no liaison or leader contact (缺联系人), and every group without members
 * (待补充成员). The Office and leadership mailboxes are not units' contacts and are not listed.
 */
export async function directoryGaps(db: PrismaClient): Promise<UnreachableUnit[]> {
  const rows = await db.unit.findMany({
    where: {
      OR: [
        { kind: 'GROUP', members: { none: {} } },
        {
          kind: { notIn: ['GROUP', 'OFFICE', 'LEADERSHIP'] },
          contacts: { none: { role: { in: [...NOTIFIED_CONTACT] } } },
        },
      ],
    },
    select: { id: true, name: true, kind: true },
    orderBy: { name: 'asc' },
  });
  return rows.map((u) => ({ id: u.id, name: u.name, missing: u.kind === 'GROUP' ? '成员' : '联系人' }));
}
