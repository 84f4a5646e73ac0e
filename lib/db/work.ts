import type Database from "better-sqlite3";
import pg from "pg";
import type { Maybe } from "@/lib/db/off-loop";
import { pgTransaction } from "@/lib/db/off-loop";
import { isPg, type PgSyncDatabase, translated } from "@/lib/db/pg-sync";

// Database work written once, run where it belongs: synchronously on SQLite (prepared statements,
// as fast as calling them directly) and on the asynchronous pool on PostgreSQL, so the event loop
// of a process that also takes tracking calls never waits for a round trip (docs/scaling.md).
//
// The work is a generator that yields the statements it needs and receives their answers:
//
//   function* countQueued(id: string): Work<number> {
//     return (yield* pluck<number>(`SELECT COUNT(*) FROM "DeliveryJob" WHERE "destinationId" = ?`, [id])) ?? 0;
//   }
//   const n = await perform(db, countQueued(id)); // a number at once on SQLite, a promise on PostgreSQL
//
// `transaction(work)` runs its statements in one transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL:
// one pool connection, rolled back on failure). A statement's error is thrown back into the
// generator, so try/finally and try/catch inside the work behave as in ordinary code.

type Statement =
  | { op: "all"; sql: string; params: unknown[] }
  | { op: "run"; sql: string; params: unknown[] }
  | { op: "tx"; body: Work<unknown>; lock?: string };

export type Work<T> = Generator<Statement, T, unknown>;

/** Every row the statement returns. */
export function* all<T>(sql: string, params: unknown[] = []): Work<T[]> {
  return (yield { op: "all", sql, params }) as T[];
}

/** The first row, or undefined. */
export function* get<T>(sql: string, params: unknown[] = []): Work<T | undefined> {
  return ((yield { op: "all", sql, params }) as T[])[0];
}

/** The first column of the first row, or undefined when there is no row. */
export function* pluck<T>(sql: string, params: unknown[] = []): Work<T | undefined> {
  const row = ((yield { op: "all", sql, params }) as Record<string, unknown>[])[0];
  return row === undefined ? undefined : (Object.values(row)[0] as T);
}

/** A write; answers how many rows it changed. */
export function* run(sql: string, params: unknown[] = []): Work<number> {
  return (yield { op: "run", sql, params }) as number;
}

/**
 * The body's statements in one transaction; answers what the body returns. Writers of the same
 * `lock` take turns, as SQLite's BEGIN IMMEDIATE makes every writer do (PostgreSQL: a transaction
 * advisory lock on the name, taken first), so two of them never rebuild the same rows at once.
 */
export function* transaction<T>(body: Work<T>, lock?: string): Work<T> {
  return (yield { op: "tx", body, lock }) as T;
}

/** Runs the work: synchronously on SQLite, on the asynchronous pool on PostgreSQL. */
export function perform<T>(db: Database.Database, work: Work<T>): Maybe<T> {
  return isPg(db) ? performPg(db as unknown as PgSyncDatabase, work, null) : performSqlite(db, work);
}

/**
 * Runs the work on the connection's synchronous API: SQLite, or on PostgreSQL the blocking
 * connection (lib/db/pg-sync.ts). Only for callers that must have the answer at once (a delivering
 * process's own bookkeeping); anything a web request or a timer waits for uses perform().
 */
export function performBlocking<T>(db: Database.Database, work: Work<T>): T {
  return performSqlite(db, work);
}

// ---- SQLite --------------------------------------------------------------------------------------

const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = prepared.get(db);
  if (!cache) {
    cache = new Map();
    prepared.set(db, cache);
  }
  let st = cache.get(sql);
  if (!st) {
    st = db.prepare(sql);
    cache.set(sql, st);
  }
  return st;
}

function performSqlite<T>(db: Database.Database, work: Work<T>): T {
  let step = work.next();
  while (!step.done) {
    const st = step.value;
    let answer: unknown;
    try {
      answer =
        st.op === "tx"
          ? db.transaction(() => performSqlite(db, st.body)).immediate()
          : st.op === "all"
            ? statement(db, st.sql).all(...st.params)
            : statement(db, st.sql).run(...st.params).changes;
    } catch (err) {
      step = work.throw(err);
      continue;
    }
    step = work.next(answer);
  }
  return step.value;
}

// ---- PostgreSQL ----------------------------------------------------------------------------------

// Read as the blocking connection reads them (lib/db/pg-sync.worker.cjs), so both paths answer the
// same values: bigint and numeric (SUM of bigint) as numbers, timestamps as PostgreSQL's text.
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    if (oid === 1114 || oid === 1184) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as "text");
  }) as typeof pg.types.getTypeParser,
};

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

async function performPg<T>(db: PgSyncDatabase, work: Work<T>, client: pg.PoolClient | null): Promise<T> {
  const target: Queryable = client ?? db.asyncPool();
  let step = work.next();
  while (!step.done) {
    const st = step.value;
    let answer: unknown;
    try {
      if (st.op === "tx") {
        // Already inside one: the body joins it.
        const { body, lock } = st;
        answer = client
          ? await performPg(db, body, client)
          : await pgTransaction(db, async (c) => {
              if (lock) await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`switchyard:${lock}`]);
              return performPg(db, body, c);
            });
      } else {
        const result = await target.query({ text: translated(st.sql), values: st.params, types: TYPES });
        answer = st.op === "all" ? result.rows : (result.rowCount ?? 0);
      }
    } catch (err) {
      step = work.throw(err);
      continue;
    }
    step = work.next(answer);
  }
  return step.value;
}
