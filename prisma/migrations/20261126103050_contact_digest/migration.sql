-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "digest" BOOLEAN NOT NULL DEFAULT false;
