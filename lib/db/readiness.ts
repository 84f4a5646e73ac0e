import fs from "node:fs";
import type Database from "better-sqlite3";
import { dialectOf } from "@/lib/db/dialect";
import { migrationsDir } from "@/lib/db/migrate";
import { pgPool } from "@/lib/db/pg";
import { pgMigrationsApplied } from "@/lib/db/pg-migrate";
import { sqlite } from "@/lib/db/sqlite";
import { env } from "@/lib/env";

// GET /readyz: the database answers and every committed migration is applied. Load balancers
// take an instance out of rotation on a 503 (also while it drains on SIGTERM).

export interface Readiness {
  ready: boolean;
  database: "postgresql" | "sqlite";
  reason?: string;
}

function sqliteMigrationsApplied(db: Database.Database): boolean {
  const done = new Set(
    (db.prepare(`SELECT "name" FROM "_switchyard_migrations"`).all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  return fs
    .readdirSync(migrationsDir(), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .every((d) => done.has(d.name));
}

export async function readiness(timeoutMs = 2000): Promise<Readiness> {
  const database = dialectOf(env().DATABASE_URL);
  try {
    if (database === "sqlite") {
      const ok = sqliteMigrationsApplied(sqlite());
      return ok ? { ready: true, database } : { ready: false, database, reason: "migrations pending" };
    }
    const check = pgMigrationsApplied(pgPool());
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    const ok = await Promise.race([check, timeout]);
    return ok ? { ready: true, database } : { ready: false, database, reason: "migrations pending" };
  } catch (err) {
    // The details (hosts, ports) stay in the log: the probe is public.
    console.error("[switchyard] readiness: database check failed:", (err as Error).message);
    return { ready: false, database, reason: "database unreachable" };
  }
}
