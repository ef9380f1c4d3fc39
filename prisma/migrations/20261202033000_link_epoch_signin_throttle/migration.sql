-- CreateTable
CREATE TABLE "LinkEpoch" (
    "assignmentId" UUID NOT NULL,
    "epoch" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "renewedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,

    CONSTRAINT "LinkEpoch_pkey" PRIMARY KEY ("assignmentId")
);

-- CreateTable
CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SignInThrottle_lastAt_idx" ON "SignInThrottle"("lastAt");
