-- CreateTable
CREATE TABLE "Function" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "code" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Function_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FunctionVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "functionId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "deployedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FunctionVersion_functionId_fkey" FOREIGN KEY ("functionId") REFERENCES "Function" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FunctionInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "functionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceId" TEXT,
    "destinationId" TEXT,
    "tokenHash" TEXT,
    "tokenCipher" TEXT,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "secretsCipher" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FunctionInstance_functionId_fkey" FOREIGN KEY ("functionId") REFERENCES "Function" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FunctionInstance_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FunctionInstance_destinationId_fkey" FOREIGN KEY ("destinationId") REFERENCES "Destination" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FunctionRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "at" BIGINT NOT NULL
);

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

