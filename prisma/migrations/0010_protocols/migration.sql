-- AlterTable
ALTER TABLE "Message" ADD COLUMN "protocol" TEXT;

-- CreateTable
CREATE TABLE "TrackingPlan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "rules" TEXT NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TrackingPlan_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrackingPlanVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "rules" TEXT NOT NULL,
    "actorEmail" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TrackingPlanVersion_planId_fkey" FOREIGN KEY ("planId") REFERENCES "TrackingPlan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SchemaEventFilter" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SchemaIntegrationFilter" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("sourceId", "kind", "name", "destinationId")
);

-- CreateTable
CREATE TABLE "SchemaEntry" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "firstSeen" BIGINT NOT NULL,
    "lastSeen" BIGINT NOT NULL,

    PRIMARY KEY ("sourceId", "kind", "name")
);

-- CreateTable
CREATE TABLE "SchemaProperty" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("sourceId", "kind", "name", "path", "type")
);

-- CreateTable
CREATE TABLE "SchemaHour" (
    "sourceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("sourceId", "key", "hour")
);

-- CreateTable
CREATE TABLE "SchemaViolation" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "firstSeen" BIGINT NOT NULL,
    "lastSeen" BIGINT NOT NULL,
    "samples" TEXT NOT NULL DEFAULT '[]',

    PRIMARY KEY ("sourceId", "kind", "name", "path", "code")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Source" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "websiteUrl" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "writeKeyHash" TEXT NOT NULL,
    "writeKeyCipher" TEXT NOT NULL,
    "writeKeyHint" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "trackingPlanId" TEXT,
    "schemaConfig" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "Source_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Source_trackingPlanId_fkey" FOREIGN KEY ("trackingPlanId") REFERENCES "TrackingPlan" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Source" ("createdAt", "enabled", "environment", "id", "name", "settings", "slug", "type", "updatedAt", "websiteUrl", "workspaceId", "writeKeyCipher", "writeKeyHash", "writeKeyHint") SELECT "createdAt", "enabled", "environment", "id", "name", "settings", "slug", "type", "updatedAt", "websiteUrl", "workspaceId", "writeKeyCipher", "writeKeyHash", "writeKeyHint" FROM "Source";
DROP TABLE "Source";
ALTER TABLE "new_Source" RENAME TO "Source";
CREATE UNIQUE INDEX "Source_writeKeyHash_key" ON "Source"("writeKeyHash");
CREATE INDEX "Source_workspaceId_environment_idx" ON "Source"("workspaceId", "environment");
CREATE UNIQUE INDEX "Source_workspaceId_slug_key" ON "Source"("workspaceId", "slug");
CREATE UNIQUE INDEX "Source_workspaceId_name_key" ON "Source"("workspaceId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "TrackingPlan_workspaceId_name_key" ON "TrackingPlan"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "TrackingPlanVersion_planId_version_key" ON "TrackingPlanVersion"("planId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "SchemaEventFilter_sourceId_kind_name_key" ON "SchemaEventFilter"("sourceId", "kind", "name");

-- CreateIndex
CREATE INDEX "SchemaHour_hour_idx" ON "SchemaHour"("hour");

