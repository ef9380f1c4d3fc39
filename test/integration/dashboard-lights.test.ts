/**
 * The "report late" traffic light in SQL (app/dashboard/queries/sql.ts lightSql) on a real database,
 * against what the lifecycle asks (domain/policy overdueItems): for many assignments — deadline and
 * standing, made at different moments, with and without the reports in question, waiting for the
 * Office's completion decision or closed — the light the dashboard computes is yellow exactly when
 * the last past-due report the lifecycle asks of the assignment is missing. Under the shipped policy
 * (quarterly reports and the annual summary), a policy due 5 workdays after the quarter across
 * 国庆 2026, and the compressed policy of the workflow tests (periods counted from each assignment).
 * Both count from when supervision of the assignment started (`supervisedFrom`), not from when its
 * row was made: in every scenario the rows are made well before supervision starts.
 */
import { loadConfig } from '../../config';
import { readHolidayOverride } from '../../config/policy-schema';
import type { AssignmentState, TaskKind } from '../../domain/model';
import { overdueItems } from '../../domain/policy';
import { secondsPolicy } from '../../domain/policy/testing';
import { lightParams, lightPolicy, type Light, type LightPolicy } from '../../app/dashboard/lights';
import * as q from '../../app/dashboard/queries';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { rng, withDueAfterEnd } from '../helpers/lights';
import { periodChoices } from '../../web/unit-input';

const cfg = loadConfig({});
const override = readHolidayOverride(cfg.holidaysOverrideFile);
const DAY = 86_400_000;
const at = (local: string) => Date.parse(`${local}+08:00`);

/** Every past-due report the lifecycle asks of an assignment supervised from `fromMs`, the last one first. */
function owed(lp: LightPolicy, kind: TaskKind, fromMs: number, nowMs: number): string[] {
  return overdueItems({
    task: { number: 1, kind, dueAt: null },
    assignment: { unit: 'u', role: 'LEAD', state: 'IN_PROGRESS', assignedAt: lp.calendar.toIso(fromMs), dueAt: null },
    policy: lp.policy,
    calendar: lp.calendar,
    now: nowMs,
  })
    .filter((i) => i.what === 'report')
    .sort((a, b) => Date.parse(b.dueAt) - Date.parse(a.dueAt))
    .map((i) => i.period!);
}

let db: TestDatabase;
let units: string[] = [];
let sectionOf: (planId: string) => Promise<string>;

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.prisma;
  units = [];
  for (let i = 0; i < 60; i++) units.push((await p.unit.create({ data: { name: `灯号单位${i}`, kind: 'BUREAU' } })).id);
  sectionOf = async (planId) =>
    (await p.section.create({ data: { planId, key: '一', level: 1, ordinal: 1, title: '灯号' } })).id;
});
afterAll(() => db?.drop());

const STATES: AssignmentState[] = [
  'ASSIGNED',
  'ACKNOWLEDGED',
  'IN_PROGRESS',
  'IN_PROGRESS',
  'EXTENSION_REQUESTED',
  'COMPLETION_REQUESTED',
  'COMPLETED',
];

/**
 * Seeds a plan with one deadline and one standing task, each assigned to every unit, supervised from
 * `created()` (the row itself made up to 300 days earlier); each assignment gets a random part of the reports the lifecycle asks of it (the
 * last one half the time). Returns the light the lifecycle's view implies, per assignment id.
 */
async function scenario(
  slug: string,
  lp: LightPolicy,
  nowMs: number,
  created: (r: () => number) => number,
): Promise<Map<string, { expected: Light; why: string }>> {
  const p = db.prisma;
  const rand = rng(slug.length * 7919 + 17);
  const plan = await p.plan.create({ data: { slug, title: slug, sourceName: 'x', sourceSha256: 'x' } });
  const sectionId = await sectionOf(plan.id);
  const due = new Date(nowMs + 200 * DAY); // far from red or "due soon"
  const out = new Map<string, { expected: Light; why: string }>();
  for (const [n, kind] of [
    [1, 'deadline'],
    [2, 'standing'],
  ] as const) {
    const t = await p.task.create({
      data: {
        planId: plan.id,
        number: n,
        text: `灯号${n}`,
        sectionId,
        unitsText: 'x',
        units: ['x'],
        deadlinePhrase: 'x',
        dueAt: kind === 'deadline' ? due : null,
        kind,
        sourceLine: n,
      },
    });
    for (const [i, unitId] of units.entries()) {
      const createdMs = created(rand);
      const rowMadeMs = createdMs - Math.floor(rand() * 300 * DAY);
      const state = STATES[Math.floor(rand() * STATES.length)]!;
      const a = await p.assignment.create({
        data: {
          taskId: t.id,
          unitId,
          role: 'LEAD',
          ordinal: i,
          state,
          createdAt: new Date(rowMadeMs),
          supervisedFrom: new Date(createdMs),
          dueAt: kind === 'deadline' ? due : null,
          originalDueAt: kind === 'deadline' ? due : null,
        },
      });
      const asked = owed(lp, kind, createdMs, nowMs);
      const reported = asked.filter((period, j) => (j === 0 ? rand() < 0.5 : rand() < 0.7));
      for (const period of reported) {
        await p.report.create({
          data: {
            assignmentId: a.id,
            period,
            dueAt: new Date(nowMs - DAY),
            submittedAt: new Date(nowMs - DAY),
            text: '进展',
            evidenceLinks: [],
          },
        });
      }
      const last = asked[0];
      const expected: Light =
        state === 'COMPLETED'
          ? 'grey'
          : state !== 'COMPLETION_REQUESTED' && last && !reported.includes(last)
            ? 'yellow'
            : 'green';
      out.set(a.id, {
        expected,
        why: `${kind} ${state} made ${lp.calendar.toIso(createdMs)} asked [${asked.slice(0, 3).join(',')}] reported [${reported.join(',')}]`,
      });
    }
  }
  return out;
}

async function check(
  slug: string,
  lp: LightPolicy,
  nowMs: number,
  created: (r: () => number) => number,
): Promise<Record<Light, number>> {
  const expected = await scenario(slug, lp, nowMs, created);
  const params = lightParams(nowMs, lp);
  const { rows, total } = await q.assignmentList(db.prisma, params, { plan: slug, limit: 500 });
  expect(total).toBe(expected.size);
  const got = rows.map((r) => ({ light: r.light, why: expected.get(r.id)!.why }));
  expect(got).toEqual(rows.map((r) => ({ light: expected.get(r.id)!.expected, why: expected.get(r.id)!.why })));
  // an assignment's own page checks its one row with an index probe instead: the same light
  for (const r of rows.filter((_, i) => i % 4 === 0))
    expect({ light: (await q.assignmentDetail(db.prisma, params, r.id))!.light, why: expected.get(r.id)!.why }).toEqual(
      { light: expected.get(r.id)!.expected, why: expected.get(r.id)!.why },
    );
  // the aggregates use the same expression: the overview's counts agree
  const counts = { red: 0, yellow: 0, green: 0, grey: 0 };
  for (const e of expected.values()) counts[e.expected]++;
  expect((await q.overview(db.prisma, params, { plan: slug })).lights).toEqual(counts);
  return counts;
}

describe('the "report late" light agrees with the lifecycle', () => {
  const shipped = lightPolicy(cfg.policy, override);

  it('shipped policy, 15 Dec 2026: quarterly 2026Q3 for deadline tasks, the 2026Y summary for standing ones', async () => {
    const now = at('2026-12-15T10:00:00');
    const c = await check('lights-dec', shipped, now, (r) => now - Math.floor(r() * 400 * DAY));
    expect(c.yellow).toBeGreaterThan(5);
    expect(c.green).toBeGreaterThan(5);
  });

  it('shipped policy, 11 Jan 2027 just after 2026Q4 fell due; assignments made around the quarter end and the summary due', async () => {
    const now = at('2027-01-11T00:00:01');
    const edges = [
      at('2026-12-10T23:59:59.999'),
      at('2026-12-11T00:00:00'),
      at('2026-12-31T23:59:59.999'),
      at('2027-01-01T00:00:00'),
      at('2026-09-30T23:59:59.999'),
    ];
    const c = await check('lights-jan', shipped, now, (r) =>
      r() < 0.5 ? edges[Math.floor(r() * edges.length)]! : now - Math.floor(r() * 200 * DAY),
    );
    expect(c.yellow).toBeGreaterThan(5);
  });

  it('reports due 5 workdays after the quarter: 2026Q3 is not late on 13 Oct 2026 (国庆), it is from 14 Oct', async () => {
    const five = lightPolicy(withDueAfterEnd(cfg.policy, { workdays: 5 }), override);
    const made = (r: () => number) => at('2026-06-01T00:00:00') + Math.floor(r() * 140 * DAY);
    expect((await check('lights-oct13', five, at('2026-10-13T23:00:00'), made)).yellow).toBeGreaterThan(5);
    expect((await check('lights-oct14', five, at('2026-10-14T00:00:01'), made)).yellow).toBeGreaterThan(5);
  });

  it('the compressed policy: periods of 20 s counted from each assignment, 60 s cycles with their summary', async () => {
    const sp = lightPolicy(secondsPolicy());
    const now = Date.parse('2026-11-26T02:00:07.000Z');
    const c = await check('lights-seconds', sp, now, (r) => now - Math.floor(r() * 240_000));
    expect(c.yellow).toBeGreaterThan(5);
    expect(c.green).toBeGreaterThan(5);
  });
});

describe('reports are owed from when supervision started, not from when the plan was imported', () => {
  const shipped = lightPolicy(cfg.policy, override);

  it('an assignment imported in March and supervised from 20 Oct 2026 owes no 2026Q3 report on 15 Dec; one never supervised owes nothing', async () => {
    const p = db.prisma;
    const now = at('2026-12-15T10:00:00');
    const imported = at('2026-03-02T09:00:00');
    const supervised = at('2026-10-20T09:00:00'); // after 2026Q3 fell due (10 Oct)
    const plan = await p.plan.create({
      data: { slug: 'lights-late-start', title: 'x', sourceName: 'x', sourceSha256: 'x' },
    });
    const sectionId = await sectionOf(plan.id);
    const due = new Date(now + 200 * DAY);
    const t = await p.task.create({
      data: {
        planId: plan.id,
        number: 1,
        text: '迟启督办',
        sectionId,
        unitsText: 'x',
        units: ['x'],
        deadlinePhrase: 'x',
        dueAt: due,
        kind: 'deadline',
        sourceLine: 1,
      },
    });
    const mk = (i: number, supervisedFrom: Date | null) =>
      p.assignment.create({
        data: {
          taskId: t.id,
          unitId: units[i]!,
          role: 'LEAD',
          ordinal: i,
          state: 'IN_PROGRESS',
          createdAt: new Date(imported),
          supervisedFrom,
          dueAt: due,
          originalDueAt: due,
        },
      });
    const late = await mk(0, new Date(supervised));
    const never = await mk(1, null);
    const early = await mk(2, new Date(imported)); // supervised since import: 2026Q3 is owed and missing
    const params = lightParams(now, shipped);
    const light = async (id: string) => (await q.assignmentDetail(p, params, id))!.light;
    const listed = new Map(
      (await q.assignmentList(p, params, { plan: 'lights-late-start' })).rows.map((r) => [r.id, r.light]),
    );

    // the lifecycle, planning from the same instants, asks nothing past due of the late-started one
    expect(owed(shipped, 'deadline', supervised, now)).toEqual([]);
    expect(owed(shipped, 'deadline', imported, now)[0]).toBe('2026Q3');
    // counted from the row's creation (the rule before supervisedFrom) it would be yellow: 2026Q3 missing
    expect(await light(late.id)).toBe('green');
    expect(listed.get(late.id)).toBe('green');
    expect(await light(early.id)).toBe('yellow');
    expect(listed.get(early.id)).toBe('yellow');
    expect(await light(never.id)).toBe('green');
    expect(listed.get(never.id)).toBe('green');

    // the unit form offers the same: the running quarter only, for the late-started one; nothing unsupervised
    const choices = (a: { supervisedFrom: Date | null }) =>
      periodChoices({
        lights: shipped,
        kind: 'deadline',
        assignedMs: a.supervisedFrom?.getTime() ?? null,
        nowMs: now,
        reported: [],
      }).map((c) => c.value);
    expect(choices(late)).toEqual(['2026Q4']);
    expect(choices(early)).toEqual(['2026Q3', '2026Q2', '2026Q1', '2026Q4']);
    expect(choices(never)).toEqual([]);
  });

  it('under the compressed policy, periods count from supervisedFrom: supervised 30 s ago owes P1 only from 25 s', async () => {
    const p = db.prisma;
    const sp = lightPolicy(secondsPolicy());
    const now = Date.parse('2026-11-26T02:00:07.000Z');
    const plan = await p.plan.create({
      data: { slug: 'lights-late-seconds', title: 'x', sourceName: 'x', sourceSha256: 'x' },
    });
    const sectionId = await sectionOf(plan.id);
    const t = await p.task.create({
      data: {
        planId: plan.id,
        number: 1,
        text: '迟启督办',
        sectionId,
        unitsText: 'x',
        units: ['x'],
        deadlinePhrase: 'x',
        dueAt: null,
        kind: 'deadline',
        sourceLine: 1,
      },
    });
    const out: [number, string][] = [];
    for (const [i, ago] of [10_000, 30_000].entries()) {
      // the row made 10 minutes earlier: counted from it, many periods would be late
      const a = await p.assignment.create({
        data: {
          taskId: t.id,
          unitId: units[i]!,
          role: 'LEAD',
          ordinal: i,
          state: 'IN_PROGRESS',
          createdAt: new Date(now - 600_000),
          supervisedFrom: new Date(now - ago),
        },
      });
      const asked = owed(sp, 'deadline', now - ago, now);
      out.push([ago, `${(await q.assignmentDetail(p, lightParams(now, sp), a.id))!.light} ${asked[0] ?? '-'}`]);
    }
    expect(out).toEqual([
      [10_000, 'green -'],
      [30_000, 'yellow P1'],
    ]);
  });
});
