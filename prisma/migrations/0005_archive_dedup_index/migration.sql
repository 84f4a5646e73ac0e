-- DropIndex
DROP INDEX "Message_receivedAt_idx";

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "dedupKey" TEXT;

-- Carry the open dedup window over: the newest accepted row of every key still in "DedupKey".
UPDATE "Message" SET "dedupKey" = "messageId" WHERE "seq" IN (
    SELECT MAX(m."seq") FROM "Message" m
    JOIN "DedupKey" d ON d."workspaceId" = m."workspaceId" AND d."messageId" = m."messageId"
    WHERE m."status" = 'accepted'
    GROUP BY m."workspaceId", m."messageId"
);

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "DedupKey";
PRAGMA foreign_keys=on;

-- CreateIndex
CREATE UNIQUE INDEX "Message_workspaceId_dedupKey_key" ON "Message"("workspaceId", "dedupKey");

