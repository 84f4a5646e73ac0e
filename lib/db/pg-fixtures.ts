import type pg from "pg";
import { sha256 } from "@/lib/crypto/secrets";
import { openPgPool } from "@/lib/db/pg";
import { migratePg } from "@/lib/db/pg-migrate";
import { createTestDatabase, type TestDatabase } from "@/lib/db/pg-testing";

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
