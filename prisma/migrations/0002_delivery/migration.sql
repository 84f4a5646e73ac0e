-- CreateTable
CREATE TABLE "RoutingCursor" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "lastSeq" INTEGER NOT NULL,
    "updatedAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "DeliveryJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "messageId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "event" TEXT,
    "receivedAt" BIGINT NOT NULL,
    "payload" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" BIGINT NOT NULL,
    "leaseUntil" BIGINT NOT NULL DEFAULT 0,
    "deadlineAt" BIGINT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "lastStatus" INTEGER,
    "lastErrorType" TEXT,
    "lastError" TEXT
);

-- CreateTable
CREATE TABLE "DeliveryOutcome" (
    "destinationId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "event" TEXT,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    "finishedAt" BIGINT NOT NULL,
    "latencyMs" INTEGER,
    "httpStatus" INTEGER,
    "errorType" TEXT,
    "errorMessage" TEXT,

    PRIMARY KEY ("destinationId", "seq")
);

-- CreateTable
CREATE TABLE "DeliveryRollup" (
    "destinationId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "minute" BIGINT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "notDelivered" INTEGER NOT NULL DEFAULT 0,
    "filtered" INTEGER NOT NULL DEFAULT 0,
    "unsupported" INTEGER NOT NULL DEFAULT 0,
    "retried" INTEGER NOT NULL DEFAULT 0,
    "latencySum" BIGINT NOT NULL DEFAULT 0,
    "latencyHist" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("destinationId", "sourceId", "minute")
);

-- CreateTable
CREATE TABLE "DeliverySample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "errorType" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "messageId" TEXT NOT NULL,
    "at" BIGINT NOT NULL,
    "httpStatus" INTEGER,
    "errorMessage" TEXT NOT NULL,
    "youSent" TEXT NOT NULL,
    "request" TEXT,
    "response" TEXT
);

-- CreateTable
CREATE TABLE "DestinationHealthEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "previousState" TEXT,
    "at" BIGINT NOT NULL,
    "reason" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "DeliveryJob_destinationId_nextAttemptAt_idx" ON "DeliveryJob"("destinationId", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryJob_destinationId_seq_key" ON "DeliveryJob"("destinationId", "seq");

-- CreateIndex
CREATE INDEX "DeliveryOutcome_destinationId_status_receivedAt_idx" ON "DeliveryOutcome"("destinationId", "status", "receivedAt");

-- CreateIndex
CREATE INDEX "DeliveryOutcome_destinationId_finishedAt_idx" ON "DeliveryOutcome"("destinationId", "finishedAt");

-- CreateIndex
CREATE INDEX "DeliveryOutcome_receivedAt_idx" ON "DeliveryOutcome"("receivedAt");

-- CreateIndex
CREATE INDEX "DeliveryRollup_workspaceId_minute_idx" ON "DeliveryRollup"("workspaceId", "minute");

-- CreateIndex
CREATE INDEX "DeliveryRollup_minute_idx" ON "DeliveryRollup"("minute");

-- CreateIndex
CREATE INDEX "DeliverySample_destinationId_errorType_id_idx" ON "DeliverySample"("destinationId", "errorType", "id");

-- CreateIndex
CREATE INDEX "DeliverySample_at_idx" ON "DeliverySample"("at");

-- CreateIndex
CREATE INDEX "DestinationHealthEvent_destinationId_id_idx" ON "DestinationHealthEvent"("destinationId", "id");

-- CreateIndex
CREATE INDEX "DestinationHealthEvent_workspaceId_at_idx" ON "DestinationHealthEvent"("workspaceId", "at");

