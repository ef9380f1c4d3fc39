/**
 * Benchmark: the annual assessment over 100 000 assignments with a year of events.
 *
 *   npm run build && node dist/bench/assessment.js [--assignments 100000] [--keep]
 *
 * Creates a throwaway database (a copy of the migrated template, like the tests), seeds it with set
 * -based SQL (40 units × 2 500 tasks; quarterly reports mostly on time, some late, some missing;
 * acknowledgements, completions, extensions, slips of each colour, audit events), then times
 * loading, scoring and exporting, and prints a table. The database is dropped unless --keep.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../config';
import { runAssessment, writeAssessmentFiles } from '../app/assessment/run';
import { assessmentOptions } from './support/assessment';
import { createTestDatabase } from '../test/helpers/db';

const UNITS = 40;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const target = Number(arg('--assignments') ?? 100_000);
  const tasks = Math.ceil(target / UNITS);
  const keep = process.argv.includes('--keep');
  const cfg = loadConfig();
  const db = await createTestDatabase();
  const p = db.prisma;
  const rows: [string, string, string][] = [];
  const time = async <T>(label: string, fn: () => Promise<T>, detail: (v: T) => string = () => ''): Promise<T> => {
    const t = performance.now();
    const v = await fn();
    rows.push([label, `${((performance.now() - t) / 1000).toFixed(2)} s`, detail(v)]);
    return v;
  };
  try {
    await time('seed', async () => {
      await p.$executeRawUnsafe(
        `INSERT INTO "Unit"(id, name, kind, "updatedAt") SELECT gen_random_uuid(), '单位' || lpad(i::text, 2, '0'), 'BUREAU', now() FROM generate_series(1, ${UNITS}) i`,
      );
      await p.$executeRawUnsafe(
        `INSERT INTO "Plan"(id, slug, title, "sourceName", "sourceSha256", "updatedAt") VALUES (gen_random_uuid(), 'bench', '基准方案', 'bench.txt', 'x', now())`,
      );
      await p.$executeRawUnsafe(
        `INSERT INTO "Section"(id, "planId", key, level, ordinal, title) SELECT gen_random_uuid(), id, '一', 1, 1, '总' FROM "Plan"`,
      );
      // every 5th task is standing; deadline tasks are due 30 Jun or 31 Dec 2025 (end of day, Shanghai)
      await p.$executeRawUnsafe(`
        INSERT INTO "Task"(id, "planId", number, text, "sectionId", "unitsText", units, "deadlinePhrase", "dueAt", kind, "sourceLine", "updatedAt")
        SELECT gen_random_uuid(), s."planId", n, '任务' || n, s.id, '', '{}',
               CASE WHEN n % 5 = 0 THEN '长期' ELSE '2025年前' END,
               CASE WHEN n % 5 = 0 THEN NULL WHEN n % 2 = 0 THEN timestamptz '2025-06-30 23:59:59.999+08' ELSE timestamptz '2025-12-31 23:59:59.999+08' END,
               CASE WHEN n % 5 = 0 THEN 'standing'::"TaskKind" ELSE 'deadline'::"TaskKind" END, n, now()
        FROM "Section" s, generate_series(1, ${tasks}) n`);
      await p.$executeRawUnsafe(`
        INSERT INTO "Assignment"(id, "taskId", "unitId", role, ordinal, state, "dueAt", "originalDueAt", "acknowledgedAt", "createdAt", "updatedAt")
        SELECT gen_random_uuid(), t.id, u.id, CASE WHEN u.name < '单位05' THEN 'LEAD' WHEN u.name < '单位20' THEN 'CO' ELSE 'IMPLICIT' END::"AssignmentRole", 1,
               CASE WHEN t.kind = 'standing' THEN 'ONGOING' ELSE 'IN_PROGRESS' END::"AssignmentState", t."dueAt", t."dueAt",
               timestamptz '2025-01-02 10:00+08' + ((t.number + length(u.name)) % 7) * interval '1 day',
               timestamptz '2025-01-02 09:00+08', now()
        FROM "Task" t CROSS JOIN "Unit" u`);
      // 30% of deadline items completed (some late), with their audit events
      await p.$executeRawUnsafe(`
        UPDATE "Assignment" a SET state = 'COMPLETED', "completedAt" = a."originalDueAt" - ((abs(hashtext(a.id::text)) % 60) - 10) * interval '1 day'
        WHERE a."originalDueAt" IS NOT NULL AND abs(hashtext(a.id::text || 'c')) % 10 < 3`);
      await p.$executeRawUnsafe(`
        INSERT INTO "AuditEvent"(at, actor, action, "entityType", "entityId", "assignmentId", "unitId", data)
        SELECT "acknowledgedAt", 'unit:' || id, 'assignment.acknowledged', 'Assignment', id::text, id, "unitId", '{}'::jsonb FROM "Assignment"
        UNION ALL
        SELECT "completedAt", 'office:bench', 'completion.approved', 'Assignment', id::text, id, "unitId", '{}'::jsonb FROM "Assignment" WHERE "completedAt" IS NOT NULL`);
      await p.$executeRawUnsafe(
        `INSERT INTO "AuditEvent"(at, actor, action, "entityType", "entityId", "planId", data) SELECT timestamptz '2025-01-02 09:00+08', 'cli', 'plan.imported', 'Plan', id::text, id, '{}'::jsonb FROM "Plan"`,
      );
      // reports: 85% submitted, one in six of those late
      await p.$executeRawUnsafe(`
        INSERT INTO "Report"(id, "assignmentId", period, "dueAt", "submittedAt", text, late)
        SELECT gen_random_uuid(), a.id, q.period, q.due, q.due - (((abs(hashtext(a.id::text || q.period)) % 12) - 2) * interval '1 day'), '进展', (abs(hashtext(a.id::text || q.period)) % 12) < 2
        FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
        CROSS JOIN (VALUES ('2025Q1', timestamptz '2025-04-10 23:59:59.999+08'), ('2025Q2', timestamptz '2025-07-10 23:59:59.999+08'), ('2025Q3', timestamptz '2025-10-10 23:59:59.999+08')) q(period, due)
        WHERE t.kind = 'deadline' AND abs(hashtext(a.id::text || q.period || 'r')) % 100 < 85 AND (a."completedAt" IS NULL OR a."completedAt" > q.due - interval '100 days')`);
      await p.$executeRawUnsafe(`
        INSERT INTO "Report"(id, "assignmentId", period, "dueAt", "submittedAt", text, late)
        SELECT gen_random_uuid(), a.id, '2025Y', timestamptz '2025-12-10 23:59:59.999+08', timestamptz '2025-12-05 10:00+08', '年度总结', false
        FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId" WHERE t.kind = 'standing' AND abs(hashtext(a.id::text || 'y')) % 10 < 8`);
      // 5% of deadline items asked for an extension; most approved before the deadline, some after
      await p.$executeRawUnsafe(`
        INSERT INTO "Extension"(id, "assignmentId", "requestedAt", "requestedDueAt", "previousDueAt", reason, status, "decidedAt")
        SELECT gen_random_uuid(), id, "originalDueAt" - interval '20 days', "originalDueAt" + interval '60 days', "originalDueAt", '需协调',
               CASE WHEN abs(hashtext(id::text || 'x')) % 5 = 0 THEN 'REJECTED' ELSE 'APPROVED' END::"ExtensionStatus",
               "originalDueAt" + (abs(hashtext(id::text || 'd')) % 20 - 15) * interval '1 day'
        FROM "Assignment" WHERE "originalDueAt" IS NOT NULL AND abs(hashtext(id::text || 'e')) % 100 < 5`);
      // slips: 10% blue, 5% orange, 2% red
      await p.$executeRawUnsafe(`
        INSERT INTO "SupervisionSlip"(id, number, year, seq, "assignmentId", colour, reason, "dedupeKey", "issuedAt")
        SELECT gen_random_uuid(), '督〔2025〕' || lpad(row_number() OVER ()::text, 6, '0') || '号', 2025, row_number() OVER (), id, colour::"SlipColour", '督办', id::text || colour,
               timestamptz '2025-03-01 10:00+08' + (abs(hashtext(id::text || colour)) % 280) * interval '1 day'
        FROM (SELECT id, c.colour, c.pct FROM "Assignment" CROSS JOIN (VALUES ('BLUE', 10), ('ORANGE', 5), ('RED', 2)) c(colour, pct)) x
        WHERE abs(hashtext(id::text || colour || 's')) % 100 < pct`);
      // what was asked: supervised from creation, every 交办通知 delivered 5 minutes later, each slip's 督办通知 when issued
      await p.$executeRawUnsafe(`UPDATE "Assignment" SET "supervisedFrom" = "createdAt"`);
      await p.$executeRawUnsafe(`
        INSERT INTO "Notice"(id, key, kind, "assignmentId", "slipId", "dueAt", recipients, payload, status, "updatedAt")
        SELECT gen_random_uuid(), 'notice-' || id || '-assignment', 'assignment', id, NULL, "createdAt" + interval '5 minutes', ARRAY['liaison'], '{}'::jsonb, 'SENT'::"NoticeStatus", now() FROM "Assignment"
        UNION ALL
        SELECT gen_random_uuid(), 'notice-' || "assignmentId" || '-supervision-' || id, 'supervision', "assignmentId", id, "issuedAt", ARRAY['liaison'], '{}'::jsonb, 'SENT'::"NoticeStatus", now() FROM "SupervisionSlip"`);
      await p.$executeRawUnsafe(`
        INSERT INTO "Delivery"(id, "noticeId", "messageId", attempts, status, "sentAt")
        SELECT gen_random_uuid(), id, '<' || id || '@bench>', 1, 'SENT', "dueAt" FROM "Notice"`);
      await p.$executeRawUnsafe('ANALYZE');
    });
    const counts = await p.$queryRawUnsafe<Record<string, number>[]>(`SELECT
      (SELECT count(*)::int FROM "Assignment") AS assignments, (SELECT count(*)::int FROM "Report") AS reports,
      (SELECT count(*)::int FROM "Extension") AS extensions, (SELECT count(*)::int FROM "SupervisionSlip") AS slips,
      (SELECT count(*)::int FROM "AuditEvent") AS audit, (SELECT count(*)::int FROM "Delivery") AS deliveries`);
    const c = counts[0]!;
    rows.push([
      'data',
      '',
      `${c.assignments} assignments, ${c.reports} reports, ${c.extensions} extensions, ${c.slips} slips, ${c.audit} audit events, ${c.deliveries} delivered notices`,
    ]);

    const opts = assessmentOptions(cfg, 2025, Date.parse('2026-06-01T00:00:00Z'));
    const first = await time(
      'assess (cold): load + score',
      () => runAssessment(p, opts),
      (r) =>
        `load ${(r.timings.loadMs / 1000).toFixed(2)} s, score ${(r.timings.scoreMs / 1000).toFixed(2)} s, ${r.timings.rows} rows`,
    );
    const second = await time(
      'assess (warm): load + score',
      () => runAssessment(p, opts),
      (r) =>
        `load ${(r.timings.loadMs / 1000).toFixed(2)} s, score ${(r.timings.scoreMs / 1000).toFixed(2)} s; same digest: ${r.digest === first.digest}`,
    );
    const deductions = second.result.units.reduce((s, u) => s + u.deductions.length, 0);
    rows.push([
      'result',
      '',
      `${second.result.units.length} units, ${deductions} itemised deductions, scores ${second.result.units.at(-1)!.score}–${second.result.units[0]!.score}`,
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubang-bench-'));
    await time(
      'export XLSX + CSV + bulletin + JSON',
      () => writeAssessmentFiles(second, dir),
      (f) => `xlsx ${(fs.statSync(f.xlsx).size / 1e6).toFixed(1)} MB`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    if (keep) {
      console.log(`kept database ${db.url}`);
      await p.$disconnect();
    } else await db.drop();
  }
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  console.log(`\nassessment benchmark (${os.cpus().length} CPUs, Node ${process.version})`);
  for (const [a, b, d] of rows) console.log(`${a.padEnd(w[0]!)}  ${b.padStart(w[1]!)}  ${d}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
