-- CreateTable
CREATE TABLE "DeliveryRollupHour" (
    "destinationId" TEXT NOT NULL,
    "hour" BIGINT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "notDelivered" INTEGER NOT NULL DEFAULT 0,
    "filtered" INTEGER NOT NULL DEFAULT 0,
    "unsupported" INTEGER NOT NULL DEFAULT 0,
    "retried" INTEGER NOT NULL DEFAULT 0,
    "latencySum" BIGINT NOT NULL DEFAULT 0,
    "latencyHist" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("destinationId", "hour", "sourceId")
);

-- CreateTable
CREATE TABLE "DeliveryErrorRollup" (
    "destinationId" TEXT NOT NULL,
    "minute" BIGINT NOT NULL,
    "errorType" TEXT NOT NULL,
    "httpStatus" INTEGER NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "lastAt" BIGINT NOT NULL,

    PRIMARY KEY ("destinationId", "minute", "errorType", "httpStatus")
);

-- CreateTable
CREATE TABLE "MetricsWatermark" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "through" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "DeliveryRollupHour_workspaceId_hour_idx" ON "DeliveryRollupHour"("workspaceId", "hour");

-- CreateIndex
CREATE INDEX "DeliveryRollupHour_hour_idx" ON "DeliveryRollupHour"("hour");

-- CreateIndex
CREATE INDEX "DeliveryErrorRollup_minute_idx" ON "DeliveryErrorRollup"("minute");

