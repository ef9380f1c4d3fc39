/**
 * The policy one task runs under: its kind's, with the reports of its cadence when it recurs
 * (每年 / 每季度 / 每月, domain/deadline.ts). Pure. Every reader of a task's reports (the lifecycle's
 * planner, the catch-up, the dashboard's lights, the unit form, the assessment) goes through here,
 * so they agree on what a task owes.
 */
import type { Cadence } from '../deadline';
import type { TaskKind } from '../model';
import type { KindPolicy, Policy } from './types';

/**
 * The kind policy of a task of `kind` reporting at `cadence` (absent: not recurring). A cadence the
 * policy does not list (a policy frozen before cadences existed), or a kind without reports,
 * changes nothing; a listed one replaces the period and due rule of the kind's reports (null: no
 * period reports, the annual summary only), keeping its reminders and 催办.
 */
export function kindPolicy(policy: Policy, kind: TaskKind, cadence?: Cadence | null): KindPolicy {
  const kp = policy.kinds[kind];
  const c = cadence ? kp.cadences?.[cadence] : undefined;
  if (c === undefined || !kp.reports) return kp;
  if (c === null) return { ...kp, reports: { ...kp.reports, summaryOnly: true } };
  return { ...kp, reports: { ...kp.reports, period: c.period, dueAfterEnd: c.dueAfterEnd } };
}
