-- CreateTable
CREATE TABLE "Letter" (
    "id" UUID NOT NULL,
    "unitId" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "openKey" TEXT,
    "sendAt" TIMESTAMPTZ(3) NOT NULL,
    "noticeId" UUID,
    "closedAt" TIMESTAMPTZ(3),
    "resendOf" UUID,
    "readAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Letter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LetterItem" (
    "letterId" UUID NOT NULL,
    "noticeId" UUID NOT NULL,
    "skipped" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LetterItem_pkey" PRIMARY KEY ("letterId","noticeId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Letter_openKey_key" ON "Letter"("openKey");

-- CreateIndex
CREATE UNIQUE INDEX "Letter_noticeId_key" ON "Letter"("noticeId");

-- CreateIndex
CREATE INDEX "Letter_unitId_planId_createdAt_idx" ON "Letter"("unitId", "planId", "createdAt");

-- CreateIndex
CREATE INDEX "LetterItem_noticeId_idx" ON "LetterItem"("noticeId");

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LetterItem" ADD CONSTRAINT "LetterItem_letterId_fkey" FOREIGN KEY ("letterId") REFERENCES "Letter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LetterItem" ADD CONSTRAINT "LetterItem_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice"("id") ON DELETE CASCADE ON UPDATE CASCADE;
