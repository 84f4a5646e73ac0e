-- CreateTable
CREATE TABLE "WarehouseState" (
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" BIGINT NOT NULL DEFAULT 0,
    "nextSyncAt" BIGINT NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "missed" INTEGER NOT NULL DEFAULT 0,
    "columns" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "WarehouseState_pkey" PRIMARY KEY ("destinationId")
);

-- CreateTable
CREATE TABLE "WarehouseSchema" (
    "destinationId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "schemaName" TEXT NOT NULL,
    "fixedAt" BIGINT,

    CONSTRAINT "WarehouseSchema_pkey" PRIMARY KEY ("destinationId","sourceId")
);

-- CreateTable
CREATE TABLE "WarehouseSyncRun" (
    "id" SERIAL NOT NULL,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "queuedAt" BIGINT NOT NULL,
    "startedAt" BIGINT,
    "finishedAt" BIGINT,
    "fromSeq" INTEGER,
    "toSeq" INTEGER,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "rows" TEXT NOT NULL DEFAULT '{}',
    "pending" INTEGER,
    "error" TEXT,
    "requestedBy" TEXT,

    CONSTRAINT "WarehouseSyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WarehouseSelection" (
    "destinationId" TEXT NOT NULL,
    "tableName" TEXT NOT NULL,
    "columnName" TEXT NOT NULL DEFAULT '',
    "createdAt" BIGINT NOT NULL,

    CONSTRAINT "WarehouseSelection_pkey" PRIMARY KEY ("destinationId","tableName","columnName")
);

-- CreateIndex
CREATE INDEX "WarehouseState_workspaceId_idx" ON "WarehouseState"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "WarehouseSchema_destinationId_schemaName_key" ON "WarehouseSchema"("destinationId", "schemaName");

-- CreateIndex
CREATE INDEX "WarehouseSyncRun_destinationId_id_idx" ON "WarehouseSyncRun"("destinationId", "id");

-- CreateIndex
CREATE INDEX "WarehouseSyncRun_status_idx" ON "WarehouseSyncRun"("status");

