import type Database from "better-sqlite3";
import type pg from "pg";
import { releaseFailed } from "@/lib/db/pg";
import { isPg, type PgSyncDatabase, translated } from "@/lib/db/pg-sync";

// Reads (and small writes) on the ingest path that must not block the event loop on PostgreSQL:
// the privacy settings and Protocols caches, source functions' inbound URLs, the privacy inbox
// and functions' recent runs. On SQLite a read answers at once (a prepared statement, as fast as
// before); on PostgreSQL it answers with a promise from the connection's asynchronous pool
// (PgSyncDatabase.asyncPool), so a process serving many workspaces and sources does not stop
// for a round trip each time one of their cached settings expires. Callers chain with `andThen`,
// which stays synchronous when its input is (not named `then`: a module exporting `then` is a
// thenable, and `await import()` of it would call it).

export type Maybe<T> = T | Promise<T>;

export interface Reader {
  all<T>(sql: string, params: unknown[]): Maybe<T[]>;
  get<T>(sql: string, params: unknown[]): Maybe<T | undefined>;
}

const readers = new WeakMap<Database.Database, Reader>();

/** The reader of a connection (SQLite statements prepared once per text; PostgreSQL async). */
export function readerFor(db: Database.Database): Reader {
  let reader = readers.get(db);
  if (!reader) {
    reader = isPg(db) ? pgReader(db as unknown as PgSyncDatabase) : sqliteReader(db);
    readers.set(db, reader);
  }
  return reader;
}

function sqliteReader(db: Database.Database): Reader {
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };
  return {
    all: <T>(sql: string, params: unknown[]) => statement(sql).all(...params) as T[],
    get: <T>(sql: string, params: unknown[]) => statement(sql).get(...params) as T | undefined,
  };
}

function pgReader(db: PgSyncDatabase): Reader {
  const query = (sql: string, params: unknown[]) => db.asyncPool().query(translated(sql), params);
  return {
    all: async <T>(sql: string, params: unknown[]) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params: unknown[]) => (await query(sql, params)).rows[0] as T | undefined,
  };
}

/** f(value), synchronously when the value is not a promise. */
export function andThen<T, U>(value: Maybe<T>, f: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The values, at once when none is a promise, else a promise of them all (Promise.all). */
export function allOf<T extends readonly unknown[]>(
  values: T,
): Maybe<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  type All = { -readonly [K in keyof T]: Awaited<T[K]> };
  return values.some((v) => v instanceof Promise)
    ? (Promise.all(values) as Promise<All>)
    : (values as unknown as All);
}

/**
 * fn inside BEGIN … COMMIT on a connection of the asynchronous pool. On any failure the transaction
 * is rolled back, and the connection dropped when its state is unknown (releaseFailed).
 */
export async function pgTransaction<T>(
  db: PgSyncDatabase,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.asyncPool().connect();
  let value: T;
  try {
    await client.query("BEGIN");
    value = await fn(client);
    await client.query("COMMIT");
  } catch (err) {
    await releaseFailed(client, err);
    throw err;
  }
  client.release();
  return value;
}

/**
 * Runs fn's writes in one transaction: on SQLite at once; on PostgreSQL they are collected
 * (PgSyncDatabase.captureWrites: fn may only write) and run on the asynchronous pool, answering a
 * promise that settles at the commit (or rejects, everything rolled back).
 */
export function writeOffLoop(db: Database.Database, fn: () => void): Maybe<void> {
  if (!isPg(db)) {
    db.transaction(fn)();
    return;
  }
  const pgdb = db as unknown as PgSyncDatabase;
  const statements = pgdb.captureWrites(fn);
  if (statements.length === 0) return;
  return pgTransaction(pgdb, async (client) => {
    for (const st of statements) await client.query(st.sql, st.params);
  });
}

/**
 * Off-loop writes of one kind, one after another: a write asked for while one is on its way goes
 * after it, so two never overlap (on PostgreSQL a later write of the same rows could otherwise
 * wait for locks the earlier one holds, and they commit in the order they were asked for). A
 * failed write is logged ("<what> failed") and does not stop the next.
 */
export class SerialWrites {
  private last: Promise<void> | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly what: string,
  ) {}

  /** True while a write is on its way (never on SQLite, where writes finish before they return). */
  get busy(): boolean {
    return this.last !== null;
  }

  write(fn: () => void): void {
    const failed = (err: unknown) => console.error(`[switchyard] ${this.what} failed:`, err);
    const run = () => writeOffLoop(this.db, fn);
    try {
      const written = this.last ? this.last.then(run) : run();
      if (written instanceof Promise) {
        const tracked: Promise<void> = written.catch(failed).finally(() => {
          if (this.last === tracked) this.last = null;
        });
        this.last = tracked;
      }
    } catch (err) {
      failed(err);
    }
  }

  /** Resolves when every write asked for so far is done. */
  async idle(): Promise<void> {
    while (this.last) await this.last;
  }
}

/**
 * Periodic work that must not overlap itself (a health evaluation, a prune, a replay step): run()
 * starts it unless the previous run is still on its way (on PostgreSQL, its promise). A failure is
 * logged ("[switchyard] <what> failed") and does not stop the next run.
 */
export class SingleFlight {
  private running: Promise<void> | null = null;

  constructor(
    private readonly what: string,
    private readonly fn: () => Maybe<unknown>,
  ) {}

  run = (): void => {
    if (this.running) return;
    const failed = (err: unknown) => console.error(`[switchyard] ${this.what} failed:`, err);
    try {
      const value = this.fn();
      if (!(value instanceof Promise)) return;
      const tracked: Promise<void> = value
        .then(() => {}, failed)
        .finally(() => {
          if (this.running === tracked) this.running = null;
        });
      this.running = tracked;
    } catch (err) {
      failed(err);
    }
  };

  /** Resolves when the run on its way (if any) is done. */
  async idle(): Promise<void> {
    await this.running;
  }
}
