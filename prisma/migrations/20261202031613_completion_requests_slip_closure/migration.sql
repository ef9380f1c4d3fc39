-- CreateEnum
CREATE TYPE "SlipClosure" AS ENUM ('COMPLETED', 'CANCELLED', 'EXTENDED');

-- AlterTable
ALTER TABLE "SupervisionSlip" ADD COLUMN     "closedBecause" "SlipClosure";

-- CreateTable
CREATE TABLE "CompletionRequest" (
    "id" UUID NOT NULL,
    "assignmentId" UUID NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "evidenceLinks" TEXT[],
    "status" "ExtensionStatus" NOT NULL DEFAULT 'REQUESTED',
    "decidedAt" TIMESTAMPTZ(3),
    "decisionReason" TEXT,

    CONSTRAINT "CompletionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CompletionRequest_assignmentId_requestedAt_idx" ON "CompletionRequest"("assignmentId", "requestedAt");

-- AddForeignKey
ALTER TABLE "CompletionRequest" ADD CONSTRAINT "CompletionRequest_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: slips whose item was already closed before slips could close (see docs/lifecycle.md
-- "Slips close"): completed (销号) → closed at the completion, cancelled or reassigned → at the
-- cancellation, re-timed by an extension approved after the slip was issued → at that approval.
-- Each closing gets its `slip.closed` audit event, as the lifecycle writes it.
WITH closing AS (
  SELECT s.id,
         CASE WHEN a.state = 'COMPLETED' THEN 'COMPLETED' WHEN a.state = 'CANCELLED' THEN 'CANCELLED' ELSE 'EXTENDED' END AS because,
         CASE WHEN a.state = 'COMPLETED' THEN GREATEST(s."issuedAt", COALESCE(a."completedAt", a."updatedAt"))
              WHEN a.state = 'CANCELLED' THEN GREATEST(s."issuedAt", COALESCE(a."cancelledAt", a."updatedAt"))
              ELSE x."decidedAt" END AS at
  FROM "SupervisionSlip" s
  JOIN "Assignment" a ON a.id = s."assignmentId"
  LEFT JOIN LATERAL (
    SELECT min(e."decidedAt") AS "decidedAt" FROM "Extension" e
    WHERE e."assignmentId" = a.id AND e.status = 'APPROVED' AND e."decidedAt" >= s."issuedAt"
  ) x ON TRUE
  WHERE s."closedAt" IS NULL AND (a.state IN ('COMPLETED', 'CANCELLED') OR x."decidedAt" IS NOT NULL)
),
closed AS (
  UPDATE "SupervisionSlip" s SET "closedAt" = c.at, "closedBecause" = c.because::"SlipClosure"
  FROM closing c WHERE s.id = c.id
  RETURNING s.id, s.number, s."assignmentId", s."closedAt", s."closedBecause"
)
INSERT INTO "AuditEvent" (at, actor, action, "entityType", "entityId", "planId", "taskId", "assignmentId", "unitId", data)
SELECT c."closedAt", 'system', 'slip.closed', 'SupervisionSlip', c.id::text, t."planId", t.id, a.id, a."unitId",
       jsonb_build_object('number', c.number, 'because', c."closedBecause"::text, 'backfill', true)
FROM closed c JOIN "Assignment" a ON a.id = c."assignmentId" JOIN "Task" t ON t.id = a."taskId";

-- CreateIndex
CREATE INDEX "Notice_scope_idx" ON "Notice"("scope");
