-- AlterTable
ALTER TABLE "Source" ADD COLUMN     "schemaConfig" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "trackingPlanId" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "protocol" TEXT;

-- CreateTable
CREATE TABLE "TrackingPlan" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "rules" TEXT NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrackingPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrackingPlanVersion" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "rules" TEXT NOT NULL,
    "actorEmail" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrackingPlanVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchemaEventFilter" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SchemaEventFilter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchemaIntegrationFilter" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SchemaIntegrationFilter_pkey" PRIMARY KEY ("sourceId","kind","name","destinationId")
);

-- CreateTable
CREATE TABLE "SchemaEntry" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "firstSeen" BIGINT NOT NULL,
    "lastSeen" BIGINT NOT NULL,

    CONSTRAINT "SchemaEntry_pkey" PRIMARY KEY ("sourceId","kind","name")
);

-- CreateTable
CREATE TABLE "SchemaProperty" (
    "sourceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SchemaProperty_pkey" PRIMARY KEY ("sourceId","kind","name","path","type")
);

-- CreateTable
CREATE TABLE "SchemaHour" (
    "sourceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SchemaHour_pkey" PRIMARY KEY ("sourceId","key","hour")
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

    CONSTRAINT "SchemaViolation_pkey" PRIMARY KEY ("sourceId","kind","name","path","code")
);

-- CreateIndex
CREATE UNIQUE INDEX "TrackingPlan_workspaceId_name_key" ON "TrackingPlan"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "TrackingPlanVersion_planId_version_key" ON "TrackingPlanVersion"("planId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "SchemaEventFilter_sourceId_kind_name_key" ON "SchemaEventFilter"("sourceId", "kind", "name");

-- CreateIndex
CREATE INDEX "SchemaHour_hour_idx" ON "SchemaHour"("hour");

-- AddForeignKey
ALTER TABLE "Source" ADD CONSTRAINT "Source_trackingPlanId_fkey" FOREIGN KEY ("trackingPlanId") REFERENCES "TrackingPlan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrackingPlan" ADD CONSTRAINT "TrackingPlan_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrackingPlanVersion" ADD CONSTRAINT "TrackingPlanVersion_planId_fkey" FOREIGN KEY ("planId") REFERENCES "TrackingPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

