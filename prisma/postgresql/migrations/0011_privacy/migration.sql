-- CreateTable
CREATE TABLE "PrivacyField" (
    "workspaceId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "matcher" TEXT NOT NULL,
    "suggested" TEXT NOT NULL,
    "classification" TEXT,
    "blockAtIngest" BOOLEAN NOT NULL DEFAULT false,
    "sources" TEXT NOT NULL DEFAULT '[]',
    "firstSeen" BIGINT NOT NULL,
    "lastSeen" BIGINT NOT NULL,
    "sample" TEXT,
    "sampleUserId" TEXT,
    "sampleAnonymousId" TEXT,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "PrivacyField_pkey" PRIMARY KEY ("workspaceId","path")
);

-- CreateTable
CREATE TABLE "PrivacyMatcher" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "keyPatterns" TEXT NOT NULL DEFAULT '[]',
    "valuePatterns" TEXT NOT NULL DEFAULT '[]',
    "suggested" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "PrivacyMatcher_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrivacyDestination" (
    "destinationId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "policy" TEXT NOT NULL DEFAULT 'all',
    "consentCategories" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "PrivacyDestination_pkey" PRIMARY KEY ("destinationId")
);

-- CreateTable
CREATE TABLE "PrivacySource" (
    "sourceId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "withoutConsent" TEXT NOT NULL DEFAULT 'deliver',
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "PrivacySource_pkey" PRIMARY KEY ("sourceId")
);

-- CreateTable
CREATE TABLE "PrivacyRemoval" (
    "destinationId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "removed" INTEGER NOT NULL,
    "fields" TEXT NOT NULL,
    "at" BIGINT NOT NULL,

    CONSTRAINT "PrivacyRemoval_pkey" PRIMARY KEY ("destinationId","seq")
);

-- CreateTable
CREATE TABLE "PrivacyDeletion" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "idType" TEXT NOT NULL,
    "idValue" TEXT NOT NULL,
    "suppress" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "counts" TEXT NOT NULL DEFAULT '{}',
    "error" TEXT,
    "requestedBy" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,

    CONSTRAINT "PrivacyDeletion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrivacySuppression" (
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,

    CONSTRAINT "PrivacySuppression_pkey" PRIMARY KEY ("workspaceId","userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "PrivacyMatcher_workspaceId_name_key" ON "PrivacyMatcher"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "PrivacyDestination_workspaceId_idx" ON "PrivacyDestination"("workspaceId");

-- CreateIndex
CREATE INDEX "PrivacySource_workspaceId_idx" ON "PrivacySource"("workspaceId");

-- CreateIndex
CREATE INDEX "PrivacyRemoval_destinationId_at_idx" ON "PrivacyRemoval"("destinationId", "at");

-- CreateIndex
CREATE INDEX "PrivacyRemoval_at_idx" ON "PrivacyRemoval"("at");

-- CreateIndex
CREATE INDEX "PrivacyDeletion_workspaceId_createdAt_idx" ON "PrivacyDeletion"("workspaceId", "createdAt");

