import type pg from "pg";
import { sha256 } from "@/lib/crypto/secrets";
import { openPgPool } from "@/lib/db/pg";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase, type TestDatabase } from "@/lib/db/pg-testing";
import type { ArchivedMessage } from "@/lib/ingest/store";

// Unit tests on PostgreSQL: a fresh, migrated database per test file, dropped afterwards.

export interface MigratedPg {
  db: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function openMigratedPg(): Promise<MigratedPg> {
  const db = await createTestDatabase();
  const pool = openPgPool(db.url, 8);
  await migratePg(pool);
  return {
    db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

let counter = 0;

export async function insertPgSource(
  pool: pg.Pool,
  opts: { workspaceId?: string; enabled?: boolean; writeKey?: string } = {},
): Promise<{ id: string; workspaceId: string; writeKey: string }> {
  counter++;
  const workspaceId = opts.workspaceId ?? `ws_${process.pid}_${counter}`;
  await pool.query(
    `INSERT INTO "Workspace" ("id", "name", "slug") VALUES ($1, $1, $1) ON CONFLICT DO NOTHING`,
    [workspaceId],
  );
  const id = `src_${process.pid}_${counter}`;
  const writeKey = opts.writeKey ?? `wk_pg_${process.pid}_${counter}_${Math.random().toString(36).slice(2)}`;
  await pool.query(
    `INSERT INTO "Source" ("id", "workspaceId", "name", "slug", "type", "environment", "enabled", "writeKeyHash",
      "writeKeyCipher", "writeKeyHint", "updatedAt") VALUES ($1, $2, $1, $1, 'javascript', 'prod', $3, $4, 'x', 'x', now())`,
    [id, workspaceId, opts.enabled !== false, sha256(writeKey)],
  );
  return { id, workspaceId, writeKey };
}

/** A webhook destination connected to one source (delivery tests on PostgreSQL). */
export async function insertPgWebhook(
  pool: pg.Pool,
  opts: { id: string; name?: string; workspaceId: string; sourceId: string; url: string },
): Promise<string> {
  await pool.query(
    `INSERT INTO "Destination" ("id", "workspaceId", "type", "name", "settings", "enabled", "createdAt", "updatedAt")
     VALUES ($1, $2, 'webhook', $3, $4, true, now(), now())`,
    [opts.id, opts.workspaceId, opts.name ?? opts.id, JSON.stringify({ url: opts.url })],
  );
  await pool.query(
    `INSERT INTO "DestinationSource" ("destinationId", "sourceId", "createdAt") VALUES ($1, $2, now())`,
    [opts.id, opts.sourceId],
  );
  return opts.id;
}

/** An accepted track call of `source`, as the ingest archives it. */
export function archivedTrack(
  source: { id: string; workspaceId: string },
  messageId: string,
): ArchivedMessage {
  return {
    workspaceId: source.workspaceId,
    sourceId: source.id,
    messageId,
    type: "track",
    event: "E",
    userId: "u",
    anonymousId: null,
    status: "accepted",
    reason: null,
    receivedAt: Date.now(),
    payload: JSON.stringify({ type: "track", event: "E", messageId, userId: "u" }),
    dedup: true,
  };
}
