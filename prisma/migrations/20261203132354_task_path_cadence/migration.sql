-- A task's path (its place in the plan's numbering: 二/（三）/2, or the number in a plan numbered once)
-- and, for recurring standing tasks (每年 / 每季度 / 每月), the cadence they report at (issue #11).

-- CreateEnum
CREATE TYPE "TaskCadence" AS ENUM ('year', 'quarter', 'month');

-- AlterTable. path stays nullable for rows written outside the importer (test fixtures: read as the number).
ALTER TABLE "Task" ADD COLUMN "cadence" "TaskCadence",
ADD COLUMN "path" TEXT;

-- Paths: a plan numbered per section recorded them by number in its last import's audit event
-- (data.paths, app/plan-import.ts); every other task's path is its number.
UPDATE "Task" t SET "path" = COALESCE(
  (SELECT e.data -> 'paths' ->> t.number::text
     FROM "AuditEvent" e
    WHERE e."planId" = t."planId" AND e.action IN ('plan.imported', 'plan.revised')
    ORDER BY e.at DESC
    LIMIT 1),
  t.number::text);

-- Cadence: the recurring phrases the deadline grammar reads (domain/deadline.ts RECURRING).
UPDATE "Task" SET "cadence" = CASE
    WHEN btrim("deadlinePhrase") LIKE '每年%' THEN 'year'::"TaskCadence"
    WHEN btrim("deadlinePhrase") LIKE '每季度%' OR btrim("deadlinePhrase") LIKE '每个季度%' THEN 'quarter'::"TaskCadence"
    WHEN btrim("deadlinePhrase") LIKE '每月%' OR btrim("deadlinePhrase") LIKE '每个月%' THEN 'month'::"TaskCadence"
  END
WHERE kind = 'standing';
