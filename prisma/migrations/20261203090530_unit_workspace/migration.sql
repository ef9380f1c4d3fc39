-- CreateTable
CREATE TABLE "UnitLinkEpoch" (
    "unitId" UUID NOT NULL,
    "epoch" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "renewedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,

    CONSTRAINT "UnitLinkEpoch_pkey" PRIMARY KEY ("unitId")
);

-- CreateTable
CREATE TABLE "ReportDraft" (
    "assignmentId" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "unitId" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "fields" JSONB NOT NULL,
    "refusal" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,

    CONSTRAINT "ReportDraft_pkey" PRIMARY KEY ("assignmentId","period")
);

-- CreateIndex
CREATE INDEX "ReportDraft_unitId_planId_period_idx" ON "ReportDraft"("unitId", "planId", "period");

-- AddForeignKey
ALTER TABLE "ReportDraft" ADD CONSTRAINT "ReportDraft_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
