-- AlterTable
ALTER TABLE "Letter" ADD COLUMN     "central" BOOLEAN NOT NULL DEFAULT false;
