/** A unit's page and the units an assignment can be handed to. */
import type { PrismaClient } from '../../../generated/prisma/client';
import type { Light, LightParams } from '../lights';
import { lightSql, zeroCounts } from './sql';
import { assignmentList } from './assignments';

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

/** Units that can hold an assignment (the 改派 choice): not groups, the Office or leadership; by kind, then name. */
export async function assignableUnits(db: PrismaClient): Promise<{ name: string; kind: string }[]> {
  const rows = await db.unit.findMany({
    where: { kind: { notIn: ['GROUP', 'OFFICE', 'LEADERSHIP'] } },
    select: { name: true, kind: true },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
  });
  return rows.map((r) => ({ name: r.name, kind: r.kind }));
}
