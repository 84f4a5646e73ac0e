-- Session revocation (issue 14 item 7) and sign-in throttling (item 6): the PostgreSQL twin of
-- prisma/migrations/0012_session_security (written by hand: the SQLite migration was renumbered
-- in a commit of its own, so db:pg-twins found no schema change in that commit).
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);
