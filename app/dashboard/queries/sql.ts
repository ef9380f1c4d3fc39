/**
 * SQL pieces the dashboard's read models share (app/dashboard/queries/): the filters, the light of an
 * assignment as an SQL expression, and the light counts.
 */
import { Prisma } from '../../../generated/prisma/client';
import { TASK_KINDS, type FixedReport, type Light, type LightParams, type ReportRule } from '../lights';
import { CLOSED_STATES } from '../../../domain/lifecycle';

const { sql, join, empty, raw } = Prisma;

/** Filters shared by the overview and the task list. */
export interface DashboardFilters {
  /** plan slug */
  plan?: string;
  light?: Light;
  /** unit kind (BUREAU, COUNTY …) */
  unitKind?: string;
  /** text in the task (number or words) */
  q?: string;
}

export type LightCounts = Record<Light, number>;

export const zeroCounts = (): LightCounts => ({ red: 0, yellow: 0, green: 0, grey: 0 });

/**
 * "Assignment `a` is closed" in SQL, generated from the one list of closed states
 * (domain/lifecycle.ts CLOSED_STATES): `a.state IN ('COMPLETED', 'CANCELLED')`. The states are
 * constants, written as literals so the statement text stays fixed.
 */
export function closedStateSql(): Prisma.Sql {
  return raw(`a.state IN (${CLOSED_STATES.map((s) => `'${s}'`).join(', ')})`);
}

/**
 * The light of assignment `a` (joined with its task `t`) as an SQL expression. Over many rows the
 * report checks are `NOT IN (uncorrelated subquery)` on purpose: PostgreSQL runs them once as a
 * hashed subplan, where `NOT EXISTS` inside a CASE stays a per-row probe (10× slower at 100k
 * assignments). For one row (`rows: 'one'`) the probe is what is wanted: one index lookup instead
 * of hashing every report of the period. "assignmentId" is NOT NULL, so NOT IN has no NULL trap.
 */
export function lightSql(p: LightParams, rows: 'many' | 'one' = 'many'): Prisma.Sql {
  return sql`(CASE
    WHEN ${closedStateSql()} THEN 'grey'
    WHEN a.overdue OR (a."dueAt" IS NOT NULL AND a."dueAt" < ${p.now}) THEN 'red'
    WHEN a."dueAt" IS NOT NULL AND a."dueAt" < ${p.soon} THEN 'yellow'
    WHEN a.state <> 'COMPLETION_REQUESTED' AND ${reportLateSql(p, rows)} THEN 'yellow'
    ELSE 'green' END)`;
}

/** "The most recent report the assignment owes whose due moment has passed is missing", per task kind (lights.ts). */
function reportLateSql(p: LightParams, rows: 'many' | 'one'): Prisma.Sql {
  // kinds under the same rule (both report quarterly for most of the year) share one check, so
  // the reports of a period are hashed once; the kinds are constants, written as literals
  const groups = new Map<string, { kinds: string[]; c: Prisma.Sql }>();
  // recurring tasks (Task.cadence) whose reports differ are classes of their own (lights.ts cadenceReports)
  const cadences = Object.entries(p.cadenceReports ?? {});
  const others = cadences.length
    ? ` AND (t.cadence IS NULL OR t.cadence::text NOT IN (${cadences.map(([c]) => `'${c}'`).join(', ')}))`
    : '';
  const classes: [string, ReportRule][] = [
    ...TASK_KINDS.map((k): [string, ReportRule] => [
      k === 'standing' && others ? `'${k}'${others}` : `'${k}'`,
      p.reports[k],
    ]),
    ...cadences.map(([c, rule]): [string, ReportRule] => [`'standing' AND t.cadence::text = '${c}'`, rule!]),
  ];
  for (const [k, rule] of classes) {
    const key = JSON.stringify(rule);
    const g = groups.get(key);
    if (g) g.kinds.push(k);
    else {
      const c = kindReportLateSql(rule, rows);
      if (c) groups.set(key, { kinds: [k], c });
    }
  }
  if (!groups.size) return sql`FALSE`;
  // Owed reports count from when supervision started (lights.ts): an assignment not yet supervised
  // (no reminder, no 催办 ever sent) owes none. The windows below would be NULL for it anyway; this
  // says so plainly.
  const all = [...groups.values()];
  if (all.length === 1 && all[0]!.kinds.length === classes.length)
    return sql`(a."supervisedFrom" IS NOT NULL AND (${all[0]!.c}))`;
  return sql`(a."supervisedFrom" IS NOT NULL AND (${join(
    all.map(({ kinds, c }) => sql`((${raw(kinds.map((k) => `(t.kind = ${k})`).join(' OR '))}) AND (${c}))`),
    ' OR ',
  )}))`;
}

function kindReportLateSql(rule: ReportRule, rows: 'many' | 'one'): Prisma.Sql | null {
  const missing = (period: string) =>
    rows === 'one'
      ? sql`NOT EXISTS (SELECT 1 FROM "Report" r WHERE r."assignmentId" = a.id AND r.period = ${period})`
      : sql`a.id NOT IN (SELECT r."assignmentId" FROM "Report" r WHERE r.period = ${period})`;
  // assignments that owe fixed report i and none of the more recent ones
  const windows = rule.fixed.map((f, i) => {
    const prev = rule.fixed[i - 1];
    return prev
      ? sql`a."supervisedFrom" >= ${prev.owedBefore} AND a."supervisedFrom" < ${f.owedBefore}`
      : sql`a."supervisedFrom" < ${f.owedBefore}`;
  });
  const r = rule.rolling;
  if (!r) {
    if (!rule.fixed.length) return null;
    return join(
      rule.fixed.map((f, i) => sql`(${windows[i]!} AND ${missing(f.period)})`),
      ' OR ',
    );
  }
  // Periods counted from each assignment (test policies): k, the last one past due, per row.
  const fromMs = sql`(extract(epoch from a."supervisedFrom") * 1000)`;
  const k = sql`(ceil((${r.pastDueBefore.getTime()}::numeric - ${fromMs}) / ${r.lengthMs}::numeric)::bigint - 1)`;
  const endK = sql`(${fromMs} + ${k} * ${r.lengthMs}::numeric)`;
  const rollingLater = (f: FixedReport) => sql`(${k} >= 1 AND ${endK} >= ${f.rollingFrom!.getTime()}::numeric)`;
  const alts = rule.fixed.map((f, i) => sql`(${windows[i]!} AND NOT ${rollingLater(f)} AND ${missing(f.period)})`);
  const last = rule.fixed[rule.fixed.length - 1];
  const rollingIsRecent = join(
    [
      ...rule.fixed.map((f, i) => sql`(${windows[i]!} AND ${rollingLater(f)})`),
      last ? sql`a."supervisedFrom" >= ${last.owedBefore}` : sql`TRUE`,
    ],
    ' OR ',
  );
  alts.push(
    sql`(${k} >= 1 AND (${rollingIsRecent}) AND NOT EXISTS (SELECT 1 FROM "Report" r WHERE r."assignmentId" = a.id AND r.period = 'P' || ${k}))`,
  );
  return join(alts, ' OR ');
}

export function taskWhere(f: DashboardFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [sql`t."cancelledAt" IS NULL`];
  if (f.plan) parts.push(sql`t."planId" = (SELECT id FROM "Plan" WHERE slug = ${f.plan})`);
  if (f.q) {
    const n = /^\(?(\d{1,4})\)?$/.exec(f.q.trim());
    parts.push(
      n ? sql`t.number = ${Number(n[1])}` : sql`t.text ILIKE ${'%' + f.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`,
    );
  }
  return join(parts, ' AND ');
}

export function unitKindWhere(f: DashboardFilters): Prisma.Sql {
  return f.unitKind ? sql`AND a."unitId" IN (SELECT id FROM "Unit" WHERE kind = ${f.unitKind}::"UnitKind")` : empty;
}

export function counts(row: {
  red: bigint | number;
  yellow: bigint | number;
  green: bigint | number;
  grey: bigint | number;
}): LightCounts {
  return { red: Number(row.red), yellow: Number(row.yellow), green: Number(row.green), grey: Number(row.grey) };
}
