import pg from "pg";
import { env } from "@/lib/env";

// The raw PostgreSQL pool for the hot paths (ingest group commit, archive reads, the tap's
// LISTEN connection) and for migrations: the `pg` driver, the same one Prisma's adapter uses.
// bigint columns hold epoch milliseconds and sequence numbers, all below 2^53: they are read
// as JS numbers, like better-sqlite3 returns them.

pg.types.setTypeParser(20, (v) => Number(v)); // int8

const key = Symbol.for("switchyard.pg");
type G = typeof globalThis & { [key]?: pg.Pool };

export function openPgPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", (err) => console.error("[switchyard] idle PostgreSQL connection failed:", err.message));
  return pool;
}

export function pgPool(): pg.Pool {
  const g = globalThis as G;
  g[key] ??= openPgPool(env().DATABASE_URL, env().PG_POOL_MAX);
  return g[key];
}

/** Runs `fn` in one transaction on one pooled client; rolls back when it throws. */
export async function pgTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
