-- AlterTable
ALTER TABLE "DeliveryJob" ADD COLUMN     "replayId" INTEGER;

-- AlterTable
ALTER TABLE "DeliveryOutcome" ADD COLUMN     "replayId" INTEGER;

-- CreateTable
CREATE TABLE "DeliveryRetryRollup" (
    "destinationId" TEXT NOT NULL,
    "minute" BIGINT NOT NULL,
    "errorType" TEXT NOT NULL,
    "httpStatus" INTEGER NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "messages" INTEGER NOT NULL,
    "lastAt" BIGINT NOT NULL,

    CONSTRAINT "DeliveryRetryRollup_pkey" PRIMARY KEY ("destinationId","minute","errorType","httpStatus")
);

-- CreateTable
CREATE TABLE "DestinationDeliveryState" (
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "pausedAt" BIGINT,
    "pausedBy" TEXT,
    "breaker" TEXT NOT NULL DEFAULT 'closed',
    "breakerSince" BIGINT,
    "nextProbeAt" BIGINT,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "DestinationDeliveryState_pkey" PRIMARY KEY ("destinationId")
);

-- CreateTable
CREATE TABLE "DeliveryReplay" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "sourceIds" TEXT NOT NULL,
    "fromMs" BIGINT NOT NULL,
    "toMs" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "afterSeq" INTEGER NOT NULL DEFAULT 0,
    "endSeq" INTEGER NOT NULL DEFAULT 0,
    "routed" INTEGER NOT NULL DEFAULT 0,
    "filtered" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,

    CONSTRAINT "DeliveryReplay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeliveryRetryRollup_minute_idx" ON "DeliveryRetryRollup"("minute");

-- CreateIndex
CREATE INDEX "DestinationDeliveryState_workspaceId_idx" ON "DestinationDeliveryState"("workspaceId");

-- CreateIndex
CREATE INDEX "DeliveryReplay_destinationId_id_idx" ON "DeliveryReplay"("destinationId", "id");

-- CreateIndex
CREATE INDEX "DeliveryReplay_status_idx" ON "DeliveryReplay"("status");

-- CreateIndex
CREATE INDEX "DeliveryJob_replayId_idx" ON "DeliveryJob"("replayId");

-- CreateIndex
CREATE INDEX "DeliveryOutcome_replayId_status_idx" ON "DeliveryOutcome"("replayId", "status");

