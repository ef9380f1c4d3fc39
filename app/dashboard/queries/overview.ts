/** The front page's read model: light counts overall and per unit, states, pending reviews, slips and notices. */
import { Prisma, type PrismaClient } from '../../../generated/prisma/client';
import type { Light, LightParams } from '../lights';
import { counts, lightSql, taskWhere, unitKindWhere, zeroCounts, type DashboardFilters, type LightCounts } from './sql';

const { sql, empty } = Prisma;

/**
 * A unit's lights. The counts are its own assignments, the ones the plan lists it for (牵头 LEAD,
 * 配合 CO); `implicit` counts those bound to it only by the plan's bracket rule (属地落实, role
 * IMPLICIT: every county, zone and 湾里管理局 on every task). The two are kept apart because the rule
 * rows are most of the total (593 of 705 red on the real plan) and identical for every bound unit,
 * so a count mixing them would bury what each unit leads or co-operates on; and a plan started with
 * `--notify-roles LEAD,CO` sends them no emails at all (docs/web.md "Own and rule-bound assignments").
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
