/**
 * Data and polling shared by the workflow tests: a plan seeded straight into the database, the
 * outbox (Notice rows: what the mail pipeline would send) of a plan, and waiting for a condition.
 */
import type { PrismaClient } from '../../../generated/prisma/client';

export const DUE = '2025-12-31T23:59:59.999+08:00';
export const DUE_MS = Date.parse(DUE);

/**
 * A plan with one section and the given tasks (deadline tasks due at DUE, standing ones without a
 * deadline), each assigned to 市市场监管局 (lead), 市工信局 (co) and 东湖区人民政府 (implicit);
 * 市商务局 exists too, unassigned (a unit to reassign to). Units are created when missing, each with a liaison.
 */
export async function seedPlan(
  p: PrismaClient,
  planSlug: string,
  tasks: { number: number; kind: 'deadline' | 'standing' }[],
): Promise<void> {
  const plan = await p.plan.create({
    data: { slug: planSlug, title: '测试方案', sourceName: 'test.txt', sourceSha256: 'x' },
  });
  const section = await p.section.create({ data: { planId: plan.id, key: '一', level: 1, ordinal: 1, title: '测试' } });
  // each with a liaison: supervise start refuses units it cannot notify (app/contacts-check.ts)
  const units = await Promise.all(
    ['市市场监管局', '市工信局', '市商务局', '东湖区人民政府'].map(
      async (name, i) =>
        (await p.unit.findUnique({ where: { name } })) ??
        p.unit.create({
          data: {
            name,
            kind: name.endsWith('政府') ? 'COUNTY' : 'BUREAU',
            contacts: { create: [{ role: 'LIAISON', name: `联络员${i + 1}`, email: `liaison${i + 1}@units.example` }] },
          },
        }),
    ),
  );
  for (const t of tasks) {
    const dueAt = t.kind === 'standing' ? null : new Date(DUE);
    const row = await p.task.create({
      data: {
        planId: plan.id,
        number: t.number,
        text: `测试任务${t.number}`,
        sectionId: section.id,
        unitsText: '市市场监管局、市工信局',
        units: ['市市场监管局', '市工信局'],
        deadlinePhrase: t.kind === 'standing' ? '长期' : '2025年前',
        dueAt,
        kind: t.kind,
        sourceLine: t.number,
      },
    });
    const bound = [
      { unit: units[0]!, role: 'LEAD' as const },
      { unit: units[1]!, role: 'CO' as const },
      { unit: units[3]!, role: 'IMPLICIT' as const },
    ];
    for (const [i, b] of bound.entries())
      await p.assignment.create({
        data: { taskId: row.id, unitId: b.unit.id, role: b.role, ordinal: i, dueAt, originalDueAt: dueAt },
      });
  }
}

export interface OutboxRow {
  key: string;
  kind: string;
  unit: string | null;
  level: number | null;
  /** the moment the notice was planned for */
  nominalMs: number;
  /** the moment it was submitted for (its dueAt) */
  atMs: number;
  late: boolean;
  slip: string | null;
  /** when the row was written (real time) */
  createdMs: number;
}

/** The outbox rows of a plan's lifecycles, by moment, then unit, then kind. */
export async function outboxOf(p: PrismaClient, planSlug: string): Promise<OutboxRow[]> {
  const rows = await p.notice.findMany({
    where: { assignment: { task: { plan: { slug: planSlug } } } },
    include: { assignment: { include: { unit: true } }, slip: true },
  });
  return rows
    .map((r) => {
      const pl = r.payload as { level?: number; nominalAt: string; late?: boolean };
      return {
        key: r.key,
        kind: r.kind,
        unit: r.assignment?.unit.name ?? null,
        level: pl.level ?? null,
        nominalMs: Date.parse(pl.nominalAt),
        atMs: r.dueAt.getTime(),
        late: pl.late === true,
        slip: r.slip?.number ?? null,
        createdMs: r.createdAt.getTime(),
      };
    })
    .sort(
      (a, b) =>
        a.nominalMs - b.nominalMs || String(a.unit).localeCompare(String(b.unit)) || a.kind.localeCompare(b.kind),
    );
}

/** What a unit received of one kind. */
export const of = (rows: OutboxRow[], kind: string, unit: string) =>
  rows.filter((r) => r.kind === kind && r.unit === unit);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `get` until `ok` holds and returns that value; after `ms` fails with `what`, the last value
 * and `context()` (say, a child process's log).
 */
export async function until<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
  context?: () => string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(
        `${what}: not met in ${ms} ms (last: ${JSON.stringify(v)?.slice(0, 2000)})${context ? `\n${context()}` : ''}`,
      );
    await sleep(100);
  }
}
