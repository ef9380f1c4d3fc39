/** Indicator progress: each indicator of the plan(s) against its target. */
import { Prisma, type PrismaClient } from '../../../generated/prisma/client';
import {
  indicatorRule,
  loadIndicatorRules,
  type IndicatorAggregate,
  type IndicatorRules,
} from '../../../config/indicators';

const { sql } = Prisma;

export interface IndicatorProgress {
  id: string;
  plan: string;
  code: string;
  goal: string;
  name: string;
  targetText: string;
  target: number;
  unit: string;
  comparator: string;
  targetYear: number;
  /** how the city's value is made (config/indicators.json): the latest report of any unit, or the sum of each unit's latest */
  aggregate: IndicatorAggregate;
  /** the task numbers that report it; null when its plan binds none (every task may) */
  tasks: number[] | null;
  /** the city's value by the rule, or null with no report */
  latest: number | null;
  /** the newest report counted */
  latestAt: Date | null;
  /** whose value it is: the unit that reported it (latest), or every unit summed (sum) */
  latestUnit: string | null;
  contributors: { unit: string; value: number; at: Date }[];
  reports: number;
  /** latest / target (for gte), capped at 1.5; null without a value */
  progress: number | null;
  met: boolean | null;
}

let shippedRules: IndicatorRules | null = null;
/** config/indicators.json as shipped (read once); queries take another through their options. */
export function defaultIndicatorRules(): IndicatorRules {
  return (shippedRules ??= loadIndicatorRules());
}

/**
 * Each indicator of the plan(s) against its target. The value shown is the city's by the rule in
 * config/indicators.json, never one unit's report passed off as the city's: `latest` takes the most
 * recent report of any unit and names that unit and date; `sum` adds each unit's most recent value.
 */
export async function indicatorProgress(
  db: PrismaClient,
  f: { plan?: string; rules?: IndicatorRules } = {},
): Promise<IndicatorProgress[]> {
  const rules = f.rules ?? defaultIndicatorRules();
  const where = f.plan ? sql`pl.slug = ${f.plan}` : sql`TRUE`;
  const [rows, values] = await Promise.all([
    db.$queryRaw<
      {
        id: string;
        plan: string;
        planTitle: string;
        code: string;
        goal: string;
        name: string;
        targetText: string;
        target: Prisma.Decimal;
        unit: string;
        comparator: string;
        targetYear: number;
        reports: bigint;
      }[]
    >`
      SELECT i.id, pl.slug AS plan, pl.title AS "planTitle", i.code, i.goal, i.name, i."targetText", i."targetValue" AS target, i.unit, i.comparator, i."targetYear",
        (SELECT count(*) FROM "IndicatorValue" v WHERE v."indicatorId" = i.id) AS reports
      FROM "Indicator" i JOIN "Plan" pl ON pl.id = i."planId" WHERE ${where}
      ORDER BY pl.slug, i.code`,
    // each unit's most recent value of each indicator
    db.$queryRaw<{ indicatorId: string; unit: string; value: Prisma.Decimal; at: Date }[]>`
      SELECT DISTINCT ON (v."indicatorId", a."unitId") v."indicatorId", u.name AS unit, v.value, r."submittedAt" AS at
      FROM "IndicatorValue" v JOIN "Report" r ON r.id = v."reportId" JOIN "Assignment" a ON a.id = r."assignmentId" JOIN "Unit" u ON u.id = a."unitId"
      JOIN "Indicator" i ON i.id = v."indicatorId" JOIN "Plan" pl ON pl.id = i."planId" WHERE ${where}
      ORDER BY v."indicatorId", a."unitId", r."submittedAt" DESC`,
  ]);
  const byIndicator = new Map<string, { unit: string; value: number; at: Date }[]>();
  for (const v of values)
    byIndicator.set(v.indicatorId, [
      ...(byIndicator.get(v.indicatorId) ?? []),
      { unit: v.unit, value: Number(v.value), at: v.at },
    ]);
  return rows.map(({ planTitle, ...r }) => {
    const rule = indicatorRule(rules, planTitle, r.name);
    const aggregate = rule?.aggregate ?? 'latest';
    const contributors = (byIndicator.get(r.id) ?? []).sort((a, b) => b.at.getTime() - a.at.getTime());
    const newest = contributors[0] ?? null;
    const latest = !newest
      ? null
      : aggregate === 'sum'
        ? Number(contributors.reduce((t, c) => t + c.value, 0).toFixed(4))
        : newest.value;
    const target = Number(r.target);
    const met = latest === null ? null : r.comparator === 'gte' ? latest >= target : latest === target;
    const progress = latest === null || target === 0 ? null : Math.min(latest / target, 1.5);
    return {
      ...r,
      target,
      aggregate,
      tasks: rules.plans[planTitle] ? (rule?.tasks ?? []) : null,
      latest,
      latestAt: newest?.at ?? null,
      latestUnit: !newest ? null : aggregate === 'sum' ? contributors.map((c) => c.unit).join('、') : newest.unit,
      contributors,
      reports: Number(r.reports),
      progress,
      met,
    };
  });
}
