-- AlterTable
ALTER TABLE "DeliveryReplay" ADD COLUMN     "alreadyQueued" INTEGER NOT NULL DEFAULT 0;

