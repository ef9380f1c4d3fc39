-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "supervisedFrom" TIMESTAMPTZ(3);

-- Backfill: assignments already under supervision get the instant their lifecycle plans from, as
-- app/supervise.ts storedSchedules reads it back from the audit log: the earliest
-- `supervision.scheduled` record of the assignment, overridden by its latest reassignment
-- (`assignment.created` with `reassignedFrom`; its `assignedAt`, or the event's own instant).
UPDATE "Assignment" a SET "supervisedFrom" = s."assignedAt"
FROM (
  SELECT DISTINCT ON (e.key) e.key, (e.value->>'assignedAt')::timestamptz AS "assignedAt"
  FROM (SELECT ev.id, j.key, j.value FROM "AuditEvent" ev, jsonb_each(CASE WHEN jsonb_typeof(ev.data->'schedule') = 'object' THEN ev.data->'schedule' ELSE '{}'::jsonb END) j
        WHERE ev.action = 'supervision.scheduled') e
  WHERE e.value ? 'assignedAt'
  ORDER BY e.key, e.id ASC
) s
WHERE a.id::text = s.key;

UPDATE "Assignment" a SET "supervisedFrom" = r."assignedAt"
FROM (
  SELECT DISTINCT ON (ev."assignmentId") ev."assignmentId", COALESCE((ev.data->>'assignedAt')::timestamptz, ev.at) AS "assignedAt"
  FROM "AuditEvent" ev
  WHERE ev.action = 'assignment.created' AND ev."assignmentId" IS NOT NULL AND ev.data ? 'reassignedFrom'
  ORDER BY ev."assignmentId", ev.id DESC
) r
WHERE a.id = r."assignmentId";
