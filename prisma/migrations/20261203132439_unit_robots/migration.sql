-- CreateEnum
CREATE TYPE "RobotChannel" AS ENUM ('dingtalk', 'wecom');

-- CreateTable
CREATE TABLE "UnitRobot" (
    "id" UUID NOT NULL,
    "unitId" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "channel" "RobotChannel" NOT NULL,
    "webhook" TEXT NOT NULL,
    "secret" TEXT,
    "kinds" TEXT[],
    "mentions" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "UnitRobot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UnitRobot_unitId_ordinal_key" ON "UnitRobot"("unitId", "ordinal");

-- AddForeignKey
ALTER TABLE "UnitRobot" ADD CONSTRAINT "UnitRobot_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;
