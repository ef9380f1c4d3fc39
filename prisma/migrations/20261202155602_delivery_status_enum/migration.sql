-- The delivery states become an enum (domain/notices/delivery.ts DELIVERY_STATUSES). Existing rows
-- keep their status: the text converts in place (every value the code ever wrote is in the list;
-- anything else stops the migration rather than being lost). The column has no default to drop.

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('SENDING', 'RETRY', 'SENT', 'FAILED', 'DEAD', 'PARKED', 'SKIPPED');

-- AlterTable
ALTER TABLE "Delivery" ALTER COLUMN "status" TYPE "DeliveryStatus" USING "status"::"DeliveryStatus";
