-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "labels" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT,
    "role" TEXT NOT NULL,
    "labels" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "acceptedBy" TEXT,
    "revokedAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Source" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Destination" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "secretsCipher" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Destination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DestinationSource" (
    "destinationId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DestinationSource_pkey" PRIMARY KEY ("destinationId","sourceId")
);

-- CreateTable
CREATE TABLE "Filter" (
    "id" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "config" TEXT NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Filter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "targetName" TEXT,
    "summary" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "seq" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "messageId" TEXT,
    "dedupKey" TEXT,
    "type" TEXT,
    "event" TEXT,
    "userId" TEXT,
    "anonymousId" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "receivedAt" BIGINT NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "RoutingCursor" (
    "id" TEXT NOT NULL,
    "lastSeq" INTEGER NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "RoutingCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryJob" (
    "id" SERIAL NOT NULL,
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
    "lastError" TEXT,

    CONSTRAINT "DeliveryJob_pkey" PRIMARY KEY ("id")
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

    CONSTRAINT "DeliveryOutcome_pkey" PRIMARY KEY ("destinationId","seq")
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

    CONSTRAINT "DeliveryRollup_pkey" PRIMARY KEY ("destinationId","sourceId","minute")
);

-- CreateTable
CREATE TABLE "DeliverySample" (
    "id" SERIAL NOT NULL,
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
    "response" TEXT,

    CONSTRAINT "DeliverySample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DestinationHealthEvent" (
    "id" SERIAL NOT NULL,
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "previousState" TEXT,
    "at" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "DestinationHealthEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UseCaseSetup" (
    "workspaceId" TEXT NOT NULL,
    "goalId" TEXT NOT NULL,
    "useCaseSlug" TEXT NOT NULL,
    "library" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "devVerifiedAt" TIMESTAMP(3),
    "prodVerifiedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "steps" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UseCaseSetup_pkey" PRIMARY KEY ("workspaceId")
);

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

    CONSTRAINT "DeliveryRollupHour_pkey" PRIMARY KEY ("destinationId","hour","sourceId")
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

    CONSTRAINT "DeliveryErrorRollup_pkey" PRIMARY KEY ("destinationId","minute","errorType","httpStatus")
);

-- CreateTable
CREATE TABLE "MetricsWatermark" (
    "name" TEXT NOT NULL,
    "through" BIGINT NOT NULL,

    CONSTRAINT "MetricsWatermark_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Function" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "code" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Function_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FunctionVersion" (
    "id" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "deployedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FunctionVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FunctionInstance" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceId" TEXT,
    "destinationId" TEXT,
    "tokenHash" TEXT,
    "tokenCipher" TEXT,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "secretsCipher" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FunctionInstance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FunctionRun" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "errorName" TEXT,
    "message" TEXT,
    "logs" TEXT NOT NULL DEFAULT '[]',
    "input" TEXT,
    "durationMs" INTEGER NOT NULL,
    "at" BIGINT NOT NULL,

    CONSTRAINT "FunctionRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_slug_key" ON "Workspace"("slug");

-- CreateIndex
CREATE INDEX "Membership_workspaceId_idx" ON "Membership"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_workspaceId_key" ON "Membership"("userId", "workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_workspaceId_idx" ON "Invitation"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Source_writeKeyHash_key" ON "Source"("writeKeyHash");

-- CreateIndex
CREATE INDEX "Source_workspaceId_environment_idx" ON "Source"("workspaceId", "environment");

-- CreateIndex
CREATE UNIQUE INDEX "Source_workspaceId_slug_key" ON "Source"("workspaceId", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "Source_workspaceId_name_key" ON "Source"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "Destination_workspaceId_idx" ON "Destination"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Destination_workspaceId_name_key" ON "Destination"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "DestinationSource_sourceId_idx" ON "DestinationSource"("sourceId");

-- CreateIndex
CREATE INDEX "Filter_destinationId_position_idx" ON "Filter"("destinationId", "position");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_createdAt_idx" ON "AuditEvent"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "Message_sourceId_seq_idx" ON "Message"("sourceId", "seq");

-- CreateIndex
CREATE INDEX "Message_sourceId_type_seq_idx" ON "Message"("sourceId", "type", "seq");

-- CreateIndex
CREATE INDEX "Message_sourceId_event_seq_idx" ON "Message"("sourceId", "event", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Message_workspaceId_dedupKey_key" ON "Message"("workspaceId", "dedupKey");

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

-- CreateIndex
CREATE INDEX "DeliveryRollupHour_workspaceId_hour_idx" ON "DeliveryRollupHour"("workspaceId", "hour");

-- CreateIndex
CREATE INDEX "DeliveryRollupHour_hour_idx" ON "DeliveryRollupHour"("hour");

-- CreateIndex
CREATE INDEX "DeliveryErrorRollup_minute_idx" ON "DeliveryErrorRollup"("minute");

-- CreateIndex
CREATE INDEX "Function_workspaceId_idx" ON "Function"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Function_workspaceId_name_key" ON "Function"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "FunctionVersion_functionId_version_key" ON "FunctionVersion"("functionId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "FunctionInstance_sourceId_key" ON "FunctionInstance"("sourceId");

-- CreateIndex
CREATE UNIQUE INDEX "FunctionInstance_tokenHash_key" ON "FunctionInstance"("tokenHash");

-- CreateIndex
CREATE INDEX "FunctionInstance_functionId_idx" ON "FunctionInstance"("functionId");

-- CreateIndex
CREATE INDEX "FunctionInstance_workspaceId_idx" ON "FunctionInstance"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "FunctionInstance_destinationId_kind_key" ON "FunctionInstance"("destinationId", "kind");

-- CreateIndex
CREATE INDEX "FunctionRun_instanceId_id_idx" ON "FunctionRun"("instanceId", "id");

-- CreateIndex
CREATE INDEX "FunctionRun_functionId_id_idx" ON "FunctionRun"("functionId", "id");

-- CreateIndex
CREATE INDEX "FunctionRun_at_idx" ON "FunctionRun"("at");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Source" ADD CONSTRAINT "Source_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Destination" ADD CONSTRAINT "Destination_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DestinationSource" ADD CONSTRAINT "DestinationSource_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "Destination"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DestinationSource" ADD CONSTRAINT "DestinationSource_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Filter" ADD CONSTRAINT "Filter_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "Destination"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Function" ADD CONSTRAINT "Function_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FunctionVersion" ADD CONSTRAINT "FunctionVersion_functionId_fkey" FOREIGN KEY ("functionId") REFERENCES "Function"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FunctionInstance" ADD CONSTRAINT "FunctionInstance_functionId_fkey" FOREIGN KEY ("functionId") REFERENCES "Function"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FunctionInstance" ADD CONSTRAINT "FunctionInstance_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FunctionInstance" ADD CONSTRAINT "FunctionInstance_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "Destination"("id") ON DELETE CASCADE ON UPDATE CASCADE;

