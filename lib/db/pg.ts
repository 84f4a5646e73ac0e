import pg from "pg";
import { env } from "@/lib/env";
import { bigintAsNumber } from "./pg-types";

// The raw PostgreSQL pool for the hot paths (ingest group commit, archive reads, the tap's
// LISTEN connection) and for migrations: the `pg` driver, the same one Prisma's adapter uses.
// bigint columns are read as JS numbers (pg-types.ts).

const key = Symbol.for("switchyard.pg");
type G = typeof globalThis & { [key]?: pg.Pool };

// How long one statement may wait for an answer (PG_BLOCKING_TIMEOUT_MS, default 60 s). When the
// database stops answering (a frozen network path rather than a refused connection), a statement
// fails at that point and its connection is dropped; the next one connects again, waiting at most
// as long. So an outage stalls a caller for one timeout, then fails its statements, instead of
// holding it (a group commit, and every request waiting on it) for as long as it lasts.
const DEFAULT_TIMEOUT_MS = 60_000;

export function blockingTimeoutMs(): number {
  const v = Number(process.env.PG_BLOCKING_TIMEOUT_MS);
  return Number.isInteger(v) && v >= 500 ? v : DEFAULT_TIMEOUT_MS;
}

/** No limit (the longest timer Node keeps): for migrations, which may rightly take long. */
export const NO_STATEMENT_LIMIT = 2_147_483_647;

export function openPgPool(connectionString: string, max = 10): pg.Pool {
  const timeoutMs = blockingTimeoutMs();
  const pool = new pg.Pool({
    connectionString,
    max,
    types: bigintAsNumber(pg.types),
    idleTimeoutMillis: 30_000,
    // A statement, a connection attempt or a wait for a free connection that gets no answer in
    // time fails (and the ingest answers 503, which the SDKs retry) instead of waiting for good.
    query_timeout: timeoutMs,
    connectionTimeoutMillis: timeoutMs,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", (err) => console.error("[switchyard] idle PostgreSQL connection failed:", err.message));
  return pool;
}

export function pgPool(): pg.Pool {
  const g = globalThis as G;
  g[key] ??= openPgPool(env().DATABASE_URL, env().PG_POOL_MAX);
  return g[key];
}

/**
 * Gives back the connection of a transaction that failed: rolled back and reused when it still
 * answers, else dropped. After a timed-out statement it is always dropped without a ROLLBACK
 * (which would wait as long again): the late answer of that statement would otherwise be read
 * as the answer of the next one.
 */
export async function releaseFailed(client: pg.PoolClient, err: unknown): Promise<void> {
  const timedOut = err instanceof Error && /timeout/i.test(err.message);
  const reusable =
    !timedOut &&
    (await client.query("ROLLBACK").then(
      () => true,
      () => false,
    ));
  client.release(!reusable);
}

/** Runs `fn` in one transaction on one pooled client; rolls back when it throws. */
export async function pgTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query("BEGIN");
    result = await fn(client);
    await client.query("COMMIT");
  } catch (err) {
    await releaseFailed(client, err);
    throw err;
  }
  client.release();
  return result;
}
