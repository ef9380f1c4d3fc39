/**
 * Read models of the dashboard and the API: traffic lights per task and unit, unit and task pages,
 * an assignment's record and timeline, slips, notices and deliveries, indicator progress, the
 * audit log. Aggregates run as single SQL statements (one pass over the assignments, no N+1), so
 * pages stay fast with 100k assignments and 1M audit events (bench/dashboard.ts measures them).
 * Lists are paged; the audit log pages by id (keyset), never by OFFSET.
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { TASK_KINDS, type FixedReport, type Light, type LightParams, type ReportRule } from './lights';
import {
  boundToTask,
  indicatorRule,
  loadIndicatorRules,
  type IndicatorAggregate,
  type IndicatorRules,
} from '../../config/indicators';
import { CLOSED_STATES } from '../../domain/lifecycle';

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

const zeroCounts = (): LightCounts => ({ red: 0, yellow: 0, green: 0, grey: 0 });

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
  for (const k of TASK_KINDS) {
    const key = JSON.stringify(p.reports[k]);
    const g = groups.get(key);
    if (g) g.kinds.push(k);
    else {
      const c = kindReportLateSql(p.reports[k], rows);
      if (c) groups.set(key, { kinds: [k], c });
    }
  }
  if (!groups.size) return sql`FALSE`;
  // Owed reports count from when supervision started (lights.ts): an assignment not yet supervised
  // (no reminder, no 催办 ever sent) owes none. The windows below would be NULL for it anyway; this
  // says so plainly.
  const all = [...groups.values()];
  if (all.length === 1 && all[0]!.kinds.length === TASK_KINDS.length)
    return sql`(a."supervisedFrom" IS NOT NULL AND (${all[0]!.c}))`;
  return sql`(a."supervisedFrom" IS NOT NULL AND (${join(
    all.map(({ kinds, c }) => sql`(t.kind IN (${raw(kinds.map((k) => `'${k}'`).join(', '))}) AND (${c}))`),
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

function taskWhere(f: DashboardFilters): Prisma.Sql {
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

function unitKindWhere(f: DashboardFilters): Prisma.Sql {
  return f.unitKind ? sql`AND a."unitId" IN (SELECT id FROM "Unit" WHERE kind = ${f.unitKind}::"UnitKind")` : empty;
}

function counts(row: {
  red: bigint | number;
  yellow: bigint | number;
  green: bigint | number;
  grey: bigint | number;
}): LightCounts {
  return { red: Number(row.red), yellow: Number(row.yellow), green: Number(row.green), grey: Number(row.grey) };
}

/**
 * A unit's lights. The counts are its own assignments, the ones the plan lists it for (牵头 LEAD,
 * 配合 CO); `implicit` counts those bound to it only by the plan's bracket rule (属地落实, role
 * IMPLICIT: every county, zone and 湾里管理局 on every task). The two are kept apart because the rule
 * rows are most of the total (593 of 705 red on the real plan), identical for every bound unit, and
 * get no emails under the shipped policy (notifyRoles), so a count mixing them matches nothing a
 * unit was told (docs/web.md "Own and rule-bound assignments").
 */
export interface UnitLightRow extends LightCounts {
  id: string;
  name: string;
  kind: string;
  /** own assignments (LEAD, CO) */
  total: number;
  implicit: LightCounts & { total: number };
}

export interface Overview {
  /** own assignments (LEAD, CO) of every unit */
  lights: LightCounts;
  /** rule-bound assignments (IMPLICIT, 属地落实), counted apart */
  implicitLights: LightCounts;
  /** how many units hold rule-bound assignments */
  implicitUnits: number;
  states: Record<string, number>;
  units: UnitLightRow[];
  pendingCompletion: number;
  pendingExtension: number;
  /** open 督办单 by colour */
  slips: Record<string, number>;
  /** 督办单 closed (completed, cancelled or re-timed: activities/lifecycle.ts slipClosure) */
  slipsClosed: number;
  notices: Record<string, number>;
  plans: { slug: string; title: string }[];
}

/** The front page: light counts overall and per unit, states, pending reviews, slips and notices. */
export async function overview(db: PrismaClient, p: LightParams, f: DashboardFilters = {}): Promise<Overview> {
  const light = lightSql(p);
  const lightFilter = f.light ? sql`WHERE x.light = ${f.light}` : empty;
  const [perUnit, states, slips, notices, plans] = await Promise.all([
    db.$queryRaw<
      ({ id: string; name: string; kind: string; total: bigint; i_total: bigint } & Record<
        Light | `i_${Light}`,
        bigint
      >)[]
    >`
      SELECT u.id, u.name, u.kind::text AS kind,
        count(*) FILTER (WHERE x.light = 'red' AND NOT x.implicit) AS red, count(*) FILTER (WHERE x.light = 'yellow' AND NOT x.implicit) AS yellow,
        count(*) FILTER (WHERE x.light = 'green' AND NOT x.implicit) AS green, count(*) FILTER (WHERE x.light = 'grey' AND NOT x.implicit) AS grey,
        count(*) FILTER (WHERE NOT x.implicit) AS total,
        count(*) FILTER (WHERE x.light = 'red' AND x.implicit) AS i_red, count(*) FILTER (WHERE x.light = 'yellow' AND x.implicit) AS i_yellow,
        count(*) FILTER (WHERE x.light = 'green' AND x.implicit) AS i_green, count(*) FILTER (WHERE x.light = 'grey' AND x.implicit) AS i_grey,
        count(*) FILTER (WHERE x.implicit) AS i_total
      FROM (SELECT a."unitId", a.role = 'IMPLICIT' AS implicit, ${light} AS light FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
            WHERE ${taskWhere(f)} ${unitKindWhere(f)}) x
      JOIN "Unit" u ON u.id = x."unitId" ${lightFilter}
      GROUP BY u.id
      ORDER BY count(*) FILTER (WHERE x.light = 'red' AND NOT x.implicit) DESC, count(*) FILTER (WHERE x.light = 'yellow' AND NOT x.implicit) DESC,
        count(*) FILTER (WHERE x.light = 'red') DESC, u.name`,
    db.$queryRaw<{ state: string; n: bigint }[]>`
      SELECT a.state::text AS state, count(*) AS n FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
      WHERE ${taskWhere(f)} ${unitKindWhere(f)} GROUP BY a.state`,
    db.$queryRaw<
      { colour: string; n: bigint; closed: bigint }[]
    >`SELECT colour::text AS colour, count(*) FILTER (WHERE "closedAt" IS NULL) AS n, count(*) FILTER (WHERE "closedAt" IS NOT NULL) AS closed FROM "SupervisionSlip" GROUP BY colour`,
    db.$queryRaw<
      { status: string; n: bigint }[]
    >`SELECT status::text AS status, count(*) AS n FROM "Notice" GROUP BY status`,
    db.plan.findMany({ select: { slug: true, title: true }, orderBy: { importedAt: 'asc' } }),
  ]);
  const lights = zeroCounts();
  const implicitLights = zeroCounts();
  const units = perUnit.map((r) => {
    const c = counts(r);
    const ic = counts({ red: r.i_red, yellow: r.i_yellow, green: r.i_green, grey: r.i_grey });
    for (const l of Object.keys(lights) as Light[]) {
      lights[l] += c[l];
      implicitLights[l] += ic[l];
    }
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      total: Number(r.total),
      ...c,
      implicit: { ...ic, total: Number(r.i_total) },
    };
  });
  const stateCounts = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]));
  return {
    lights,
    implicitLights,
    implicitUnits: units.filter((u) => u.implicit.total > 0).length,
    states: stateCounts,
    units,
    pendingCompletion: stateCounts.COMPLETION_REQUESTED ?? 0,
    pendingExtension: stateCounts.EXTENSION_REQUESTED ?? 0,
    slips: Object.fromEntries(slips.map((s) => [s.colour, Number(s.n)])),
    slipsClosed: slips.reduce((sum, s) => sum + Number(s.closed), 0),
    notices: Object.fromEntries(notices.map((s) => [s.status, Number(s.n)])),
    plans,
  };
}

export interface TaskRow extends LightCounts {
  id: string;
  plan: string;
  number: number;
  text: string;
  deadlinePhrase: string;
  dueAt: Date | null;
  kind: string;
  light: Light;
  /** of the counts, the rule-bound (属地落实) assignments (UnitLightRow) */
  implicit: LightCounts;
}

/** Tasks with their light counts; `light` filters on the task's worst light. */
export async function taskList(
  db: PrismaClient,
  p: LightParams,
  f: DashboardFilters & { limit?: number; offset?: number } = {},
): Promise<{ rows: TaskRow[]; total: number }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  const offset = Math.max(f.offset ?? 0, 0);
  const worstSql = sql`(CASE WHEN count(*) FILTER (WHERE x.light = 'red') > 0 THEN 'red'
    WHEN count(*) FILTER (WHERE x.light = 'yellow') > 0 THEN 'yellow'
    WHEN count(*) FILTER (WHERE x.light = 'green') > 0 THEN 'green' ELSE 'grey' END)`;
  const having = f.light ? sql`HAVING ${worstSql} = ${f.light}` : empty;
  const rows = await db.$queryRaw<
    (Omit<TaskRow, Light | 'implicit'> & Record<Light | `i_${Light}`, bigint> & { total: bigint })[]
  >`
    SELECT x."taskId" AS id, min(pl.slug) AS plan, min(t2.number) AS number, min(t2.text) AS text, min(t2."deadlinePhrase") AS "deadlinePhrase",
      min(t2."dueAt") AS "dueAt", min(t2.kind::text) AS kind,
      count(*) FILTER (WHERE x.light = 'red') AS red, count(*) FILTER (WHERE x.light = 'yellow') AS yellow,
      count(*) FILTER (WHERE x.light = 'green') AS green, count(*) FILTER (WHERE x.light = 'grey') AS grey,
      count(*) FILTER (WHERE x.light = 'red' AND x.implicit) AS i_red, count(*) FILTER (WHERE x.light = 'yellow' AND x.implicit) AS i_yellow,
      count(*) FILTER (WHERE x.light = 'green' AND x.implicit) AS i_green, count(*) FILTER (WHERE x.light = 'grey' AND x.implicit) AS i_grey,
      ${worstSql} AS light, count(*) OVER () AS total
    FROM (SELECT a."taskId", a.role = 'IMPLICIT' AS implicit, ${lightSql(p)} AS light FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
          WHERE ${taskWhere(f)} ${unitKindWhere(f)}) x
    JOIN "Task" t2 ON t2.id = x."taskId" JOIN "Plan" pl ON pl.id = t2."planId"
    GROUP BY x."taskId" ${having}
    ORDER BY min(pl.slug), min(t2.number) LIMIT ${limit} OFFSET ${offset}`;
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map(({ total: _t, i_red, i_yellow, i_green, i_grey, ...r }) => ({
      ...r,
      number: Number(r.number),
      ...counts(r),
      implicit: counts({ red: i_red, yellow: i_yellow, green: i_green, grey: i_grey }),
      light: r.light as Light,
    })),
  };
}

export interface AssignmentRow {
  id: string;
  taskId: string;
  plan: string;
  taskNumber: number;
  taskText: string;
  unitId: string;
  unit: string;
  role: string;
  state: string;
  overdue: boolean;
  dueAt: Date | null;
  originalDueAt: Date | null;
  light: Light;
  lastReportAt: Date | null;
}

async function assignmentRows(
  db: PrismaClient,
  p: LightParams,
  where: Prisma.Sql,
  limit: number,
  offset = 0,
): Promise<{ rows: AssignmentRow[]; total: number }> {
  const rows = await db.$queryRaw<(AssignmentRow & { total: bigint })[]>`
    SELECT y.*, count(*) OVER () AS total FROM (
      SELECT a.id, a."taskId", pl.slug AS plan, t.number AS "taskNumber", t.text AS "taskText", a."unitId", u.name AS unit,
        a.role::text AS role, a.state::text AS state, a.overdue, a."dueAt", a."originalDueAt", ${lightSql(p)} AS light,
        (SELECT max(r."submittedAt") FROM "Report" r WHERE r."assignmentId" = a.id) AS "lastReportAt", t."planId", a.ordinal
      FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" JOIN "Unit" u ON u.id = a."unitId" JOIN "Plan" pl ON pl.id = t."planId"
      WHERE ${where}) y
    ORDER BY CASE y.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, y.plan, y."taskNumber", y.ordinal
    LIMIT ${limit} OFFSET ${offset}`;
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map(({ total: _t, ...r }) => ({ ...r, taskNumber: Number(r.taskNumber) }) as AssignmentRow),
  };
}

/** A list of assignments, filtered (the API's /api/assignments). */
export async function assignmentList(
  db: PrismaClient,
  p: LightParams,
  f: {
    unitId?: string;
    taskId?: string;
    state?: string;
    light?: Light;
    plan?: string;
    limit?: number;
    offset?: number;
  },
): Promise<{ rows: AssignmentRow[]; total: number }> {
  const parts: Prisma.Sql[] = [sql`TRUE`];
  if (f.unitId) parts.push(sql`a."unitId" = ${f.unitId}::uuid`);
  if (f.taskId) parts.push(sql`a."taskId" = ${f.taskId}::uuid`);
  if (f.state) parts.push(sql`a.state = ${f.state}::"AssignmentState"`);
  if (f.plan) parts.push(sql`pl.slug = ${f.plan}`);
  if (f.light) parts.push(sql`${lightSql(p)} = ${f.light}`);
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  return assignmentRows(db, p, join(parts, ' AND '), limit, Math.max(f.offset ?? 0, 0));
}

/** A unit, its contacts and its assignments (worst first). */
export async function unitDetail(
  db: PrismaClient,
  p: LightParams,
  unitId: string,
  opts: { light?: Light; limit?: number; offset?: number } = {},
) {
  const unit = await db.unit.findUnique({
    where: { id: unitId },
    include: { contacts: { orderBy: [{ role: 'asc' }, { email: 'asc' }] }, aliases: true },
  });
  if (!unit) return null;
  const list = await assignmentList(db, p, { unitId, ...opts });
  // all of the unit's assignments, and apart the rule-bound ones (属地落实) among them (UnitLightRow)
  const lights = zeroCounts();
  const implicitLights = zeroCounts();
  const agg = await db.$queryRaw<{ light: Light; implicit: boolean; n: bigint }[]>`
    SELECT ${lightSql(p)} AS light, a.role = 'IMPLICIT' AS implicit, count(*) AS n FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" WHERE a."unitId" = ${unitId}::uuid GROUP BY 1, 2`;
  for (const r of agg) {
    lights[r.light] += Number(r.n);
    if (r.implicit) implicitLights[r.light] += Number(r.n);
  }
  return {
    unit: {
      id: unit.id,
      name: unit.name,
      fullName: unit.fullName,
      kind: unit.kind,
      aliases: unit.aliases.map((a) => a.alias),
    },
    implicitLights,
    contacts: unit.contacts.map((c) => ({
      id: c.id,
      role: c.role,
      name: c.name,
      email: c.email,
      phone: c.phone,
      digest: c.digest,
      canSignIn: c.passwordHash !== null,
    })),
    lights,
    assignments: list.rows,
    total: list.total,
  };
}

export interface TimelineEvent {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  assignmentId: string | null;
  data: unknown;
}

function timelineRows(
  rows: {
    id: bigint;
    at: Date;
    actor: string;
    action: string;
    entityType: string;
    assignmentId: string | null;
    data: unknown;
  }[],
): TimelineEvent[] {
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}

/** A task, its assignments with lights, and its timeline from the audit log (newest first). */
export async function taskDetail(
  db: PrismaClient,
  p: LightParams,
  taskId: string,
  opts: { timelineLimit?: number } = {},
) {
  const task = await db.task.findUnique({
    where: { id: taskId },
    include: { plan: { select: { slug: true, title: true } }, section: { select: { title: true } } },
  });
  if (!task) return null;
  const [list, timeline] = await Promise.all([
    assignmentRows(db, p, sql`a."taskId" = ${taskId}::uuid`, 1000),
    db.auditEvent.findMany({
      where: { taskId },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: Math.min(opts.timelineLimit ?? 200, 1000),
      select: { id: true, at: true, actor: true, action: true, entityType: true, assignmentId: true, data: true },
    }),
  ]);
  return { task, assignments: list.rows, timeline: timelineRows(timeline) };
}

/** One assignment with everything about it (the Office's assignment page and the unit form). */
export async function assignmentDetail(
  db: PrismaClient,
  p: LightParams,
  id: string,
  opts: { timelineLimit?: number; indicatorRules?: IndicatorRules } = {},
) {
  const a = await db.assignment.findUnique({
    where: { id },
    include: {
      unit: { select: { id: true, name: true, kind: true } },
      task: { include: { plan: { select: { id: true, slug: true, title: true } } } },
      reports: {
        orderBy: { submittedAt: 'desc' },
        include: { indicatorValues: { include: { indicator: { select: { code: true, name: true, unit: true } } } } },
      },
      extensions: { orderBy: { requestedAt: 'desc' } },
      completionRequests: { orderBy: { requestedAt: 'desc' } },
      slips: { orderBy: { issuedAt: 'desc' } },
    },
  });
  if (!a) return null;
  const [lightRow, own, catchUp, timeline, indicators] = await Promise.all([
    db.$queryRaw<
      { light: Light }[]
    >`SELECT ${lightSql(p, 'one')} AS light FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" WHERE a.id = ${id}::uuid`,
    db.notice.findMany({
      where: { assignmentId: id },
      orderBy: { dueAt: 'desc' },
      take: 100,
      include: { delivery: true },
    }),
    // the unit's catch-up letter lists this assignment among its overdue items (it has no assignment
    // of its own: its scope names the plan and the unit, app/supervise.ts catchUpOrders)
    db.notice.findMany({
      where: { scope: `${a.task.plan.slug}-catchup-${a.unitId}`, kind: 'catchup_unit' },
      orderBy: { dueAt: 'desc' },
      take: 10,
      include: { delivery: true },
    }),
    db.auditEvent.findMany({
      where: { assignmentId: id },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: Math.min(opts.timelineLimit ?? 200, 1000),
      select: { id: true, at: true, actor: true, action: true, entityType: true, assignmentId: true, data: true },
    }),
    db.indicator.findMany({ where: { planId: a.task.planId }, orderBy: { code: 'asc' } }),
  ]);
  const covers = (n: (typeof catchUp)[number]) =>
    ((n.payload as { items?: { task?: number }[] } | null)?.items ?? []).some((it) => it.task === a.task.number);
  const notices = [...own, ...catchUp.filter(covers)].sort((x, y) => y.dueAt.getTime() - x.dueAt.getTime());
  // only the indicators bound to this task (config/indicators.json): the form lists these and refuses any other code
  const rules = opts.indicatorRules ?? defaultIndicatorRules();
  const bound = indicators.filter((i) => boundToTask(rules, a.task.plan.title, i.name, a.task.number));
  return {
    assignment: a,
    light: lightRow[0]?.light ?? 'green',
    notices,
    timeline: timelineRows(timeline),
    indicators: bound,
  };
}

/** Units that can hold an assignment (the 改派 choice): not groups, the Office or leadership; by kind, then name. */
export async function assignableUnits(db: PrismaClient): Promise<{ name: string; kind: string }[]> {
  const rows = await db.unit.findMany({
    where: { kind: { notIn: ['GROUP', 'OFFICE', 'LEADERSHIP'] } },
    select: { name: true, kind: true },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
  });
  return rows.map((r) => ({ name: r.name, kind: r.kind }));
}

/** 督办单 list, newest first. */
export async function slipList(
  db: PrismaClient,
  f: { colour?: string; open?: boolean; limit?: number; offset?: number } = {},
) {
  const where = {
    ...(f.colour ? { colour: f.colour as 'BLUE' | 'ORANGE' | 'RED' } : {}),
    ...(f.open === true ? { closedAt: null } : f.open === false ? { closedAt: { not: null } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.supervisionSlip.findMany({
      where,
      orderBy: [{ issuedAt: 'desc' }, { seq: 'desc' }],
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        assignment: {
          select: { id: true, unit: { select: { name: true } }, task: { select: { number: true, id: true } } },
        },
      },
    }),
    db.supervisionSlip.count({ where }),
  ]);
  return { rows, total };
}

/** Notices with their delivery records, newest first. */
export async function noticeList(
  db: PrismaClient,
  f: { status?: string; kind?: string; assignmentId?: string; limit?: number; offset?: number } = {},
) {
  const where = {
    ...(f.status ? { status: f.status as 'PENDING' } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.assignmentId ? { assignmentId: f.assignmentId } : {}),
  };
  const [rows, total] = await Promise.all([
    db.notice.findMany({
      where,
      orderBy: [{ dueAt: 'desc' }, { id: 'asc' }],
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        delivery: true,
        assignment: { select: { unit: { select: { name: true } }, task: { select: { number: true } } } },
        slip: { select: { number: true, colour: true } },
      },
    }),
    db.notice.count({ where }),
  ]);
  return { rows, total };
}

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

/** The audit log, newest first, paged by id (`before` = the last id of the previous page). */
export async function auditLog(
  db: PrismaClient,
  f: { before?: string; action?: string; assignmentId?: string; taskId?: string; unitId?: string; limit?: number } = {},
): Promise<{ rows: TimelineEvent[]; next: string | null }> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  const rows = await db.auditEvent.findMany({
    where: {
      ...(f.before && /^\d{1,19}$/.test(f.before) ? { id: { lt: BigInt(f.before) } } : {}),
      ...(f.action ? { action: f.action } : {}),
      ...(f.assignmentId ? { assignmentId: f.assignmentId } : {}),
      ...(f.taskId ? { taskId: f.taskId } : {}),
      ...(f.unitId ? { unitId: f.unitId } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit,
    select: { id: true, at: true, actor: true, action: true, entityType: true, assignmentId: true, data: true },
  });
  const out = timelineRows(rows);
  return { rows: out, next: out.length === limit ? out[out.length - 1]!.id : null };
}

/** Reports, newest first (the API's /api/reports). */
export async function reportList(
  db: PrismaClient,
  f: { assignmentId?: string; unitId?: string; period?: string; limit?: number; offset?: number } = {},
) {
  const where = {
    ...(f.assignmentId ? { assignmentId: f.assignmentId } : {}),
    ...(f.unitId ? { assignment: { unitId: f.unitId } } : {}),
    ...(f.period ? { period: f.period } : {}),
  };
  const [rows, total] = await Promise.all([
    db.report.findMany({
      where,
      orderBy: { submittedAt: 'desc' },
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        indicatorValues: { include: { indicator: { select: { code: true, name: true } } } },
        assignment: { select: { unit: { select: { name: true } }, task: { select: { number: true } } } },
      },
    }),
    db.report.count({ where }),
  ]);
  return { rows, total };
}

/** Extension requests, newest first (pending ones are what the Office must decide). */
export async function extensionList(db: PrismaClient, f: { status?: string; limit?: number; offset?: number } = {}) {
  const where = f.status ? { status: f.status as 'REQUESTED' } : {};
  const [rows, total] = await Promise.all([
    db.extension.findMany({
      where,
      orderBy: { requestedAt: 'desc' },
      take: Math.min(f.limit ?? 100, 500),
      skip: f.offset ?? 0,
      include: {
        assignment: { select: { id: true, unit: { select: { name: true } }, task: { select: { number: true } } } },
      },
    }),
    db.extension.count({ where }),
  ]);
  return { rows, total };
}

/** The pending completion request (销号申请) of each assignment: the unit's 完成情况说明 and evidence, for the Office's review list. */
export async function pendingCompletionRequests(db: PrismaClient, assignmentIds: string[]) {
  const rows = await db.completionRequest.findMany({
    where: { assignmentId: { in: assignmentIds }, status: 'REQUESTED' },
    orderBy: { requestedAt: 'desc' },
  });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.assignmentId)) latest.set(r.assignmentId, r);
  return latest;
}
