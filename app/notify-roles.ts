/**
 * Which assignment roles a plan's lifecycles notify (the policy's notifyRoles): the policy file's
 * default (config/policy.json: LEAD, CO and IMPLICIT), unless `dubang supervise start <plan>
 * --notify-roles …` chose otherwise for that plan. The choice is stored on the plan
 * (Plan.notifyRoles), so every later start of it (a stopped or finished lifecycle started again, a
 * task a revision added) freezes the same roles into its workflow input, whatever the file says
 * by then. The dashboard reads the same thing to say whether rule-bound units get emails.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { ASSIGNMENT_ROLES, type AssignmentRole } from '../domain/model';
import type { Policy } from '../domain/policy';

/** The roles in force: the plan's stored choice, or the policy's. */
export function effectiveNotifyRoles(
  stored: readonly AssignmentRole[] | null | undefined,
  policy: Policy,
): AssignmentRole[] {
  return stored && stored.length ? [...stored] : [...policy.notifyRoles];
}

/** The roles in their canonical order (LEAD, CO, IMPLICIT), once each. */
export function canonicalRoles(roles: readonly AssignmentRole[]): AssignmentRole[] {
  return ASSIGNMENT_ROLES.filter((r) => roles.includes(r));
}

export function sameRoles(a: readonly AssignmentRole[], b: readonly AssignmentRole[]): boolean {
  return canonicalRoles(a).join(',') === canonicalRoles(b).join(',');
}

/**
 * Whether the plans shown (one plan, or every plan) notify their rule-bound (IMPLICIT) units: true
 * when any of them does, so a page never says "no emails" about units some plan emails.
 */
export async function implicitNotified(db: PrismaClient, policy: Policy, planSlug?: string): Promise<boolean> {
  const plans = await db.plan.findMany({
    where: planSlug ? { slug: planSlug } : {},
    select: { notifyRoles: true },
  });
  if (!plans.length) return policy.notifyRoles.includes('IMPLICIT');
  return plans.some((p) => effectiveNotifyRoles(p.notifyRoles, policy).includes('IMPLICIT'));
}
