import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { NO_STATEMENT_LIMIT } from "@/lib/db/pg";
import { PG_MIGRATIONS } from "@/lib/db/pg-schema";

// Applies prisma/postgresql/migrations in order, each in a transaction, recorded in
// _switchyard_migrations (the same bookkeeping as lib/db/migrate.ts on SQLite). Instances that
// start together serialise on an advisory lock, so each migration runs exactly once.

export const MIGRATION_LOCK = 72_000_001;

export function pgMigrationsDir(): string {
  return path.resolve(process.cwd(), PG_MIGRATIONS);
}

export function pgMigrationNames(dir = pgMigrationsDir()): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export async function migratePg(pool: pg.Pool, dir = pgMigrationsDir()): Promise<string[]> {
  const connected = await pool.connect();
  // No statement limit here (the pool's is PG_BLOCKING_TIMEOUT_MS): a migration on a large table,
  // or the wait for another instance's migrations, may rightly take longer.
  const client = {
    query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
      connected.query<R>({ text, values, query_timeout: NO_STATEMENT_LIMIT } as pg.QueryConfig),
  };
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_switchyard_migrations" (
      "name" TEXT NOT NULL PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
    const done = new Set(
      (await client.query<{ name: string }>(`SELECT "name" FROM "_switchyard_migrations"`)).rows.map(
        (r) => r.name,
      ),
    );
    const pending = pgMigrationNames(dir).filter((n) => !done.has(n));
    for (const name of pending) {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_switchyard_migrations" ("name", "appliedAt") VALUES ($1, $2)`, [
          name,
          new Date().toISOString(),
        ]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw new Error(`PostgreSQL migration ${name} failed: ${(err as Error).message}`);
      }
    }
    return pending;
  } finally {
    // A connection that could not give the lock back is dropped (which gives it back), never
    // returned to the pool holding it.
    const unlocked = await connected.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).then(
      () => true,
      () => false,
    );
    connected.release(!unlocked);
  }
}

/** For /readyz: every committed migration is applied. */
export async function pgMigrationsApplied(pool: pg.Pool, dir = pgMigrationsDir()): Promise<boolean> {
  const rows = (await pool.query<{ name: string }>(`SELECT "name" FROM "_switchyard_migrations"`)).rows;
  const done = new Set(rows.map((r) => r.name));
  return pgMigrationNames(dir).every((n) => done.has(n));
}
