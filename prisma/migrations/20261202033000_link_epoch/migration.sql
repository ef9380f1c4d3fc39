-- CreateTable
CREATE TABLE "LinkEpoch" (
    "assignmentId" UUID NOT NULL,
    "epoch" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "renewedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,

    CONSTRAINT "LinkEpoch_pkey" PRIMARY KEY ("assignmentId")
);
