-- CreateTable
CREATE TABLE "UseCaseSetup" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "goalId" TEXT NOT NULL,
    "useCaseSlug" TEXT NOT NULL,
    "library" TEXT,
    "reviewedAt" DATETIME,
    "devVerifiedAt" DATETIME,
    "prodVerifiedAt" DATETIME,
    "completedAt" DATETIME,
    "steps" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

