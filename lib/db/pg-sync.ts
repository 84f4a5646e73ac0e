import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import pg from "pg";
import { blockingTimeoutMs } from "@/lib/db/pg";
import { pgPlaceholders } from "@/lib/db/pg-sql";

// A synchronous PostgreSQL connection with the part of better-sqlite3's API the raw-SQL stores
// use (prepare/run/get/all/pluck, transaction, exec). It lets the delivery queue, routing,
// rollups, dashboards, functions and guided-setup stores run unchanged on PostgreSQL: their SQL
// is portable by design, and the few dialect differences are rewritten here (placeholders,
// RETURNING for autoincrement keys, unary-plus planner hints) and in lib/db/pg-sql.ts.
//
// How: a worker thread owns one pg.Client; a call posts the statement and waits on a shared
// flag (Atomics.wait), then takes the answer with receiveMessageOnPort. The calling thread is
// blocked for the round trip (~0.1 ms plus the query) — the same contract better-sqlite3 has.
// The ingest hot path does NOT use this: it has its own asynchronous pool (lib/ingest/pg-store.ts).
// docs/scaling.md lists this as a seam: moving a store to async pg removes its blocking.

// How long one blocking statement may take: PG_BLOCKING_TIMEOUT_MS (blockingTimeoutMs, lib/db/pg.ts).
// When the database stops answering, the connection thread drops its connection at that point and
// answers an error; the next statement reconnects, waiting at most as long. So an outage stalls a
// process for one timeout, then fails its statements, instead of blocking it (and its SIGTERM
// handler) for as long as it lasts. The asynchronous pool's statements get the same limit.

/** Tables whose key is an autoincrement column, read from prisma/schema.prisma (model -> column). */
function autoincrementKeys(): Map<string, string> {
  const file = path.resolve(process.cwd(), "prisma", "schema.prisma");
  const keys = new Map<string, string>();
  let model = "";
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^model\s+(\w+)/.exec(line);
    if (m) model = m[1]!;
    const col = /^\s+(\w+)\s+Int\s+@id\s+@default\(autoincrement\(\)\)/.exec(line);
    if (col && model) keys.set(model, col[1]!);
  }
  return keys;
}

let keysCache: Map<string, string> | null = null;

/** SQLite-flavoured statement text -> PostgreSQL (exported for tests). */
export function translate(sql: string, keys?: Map<string, string>): string {
  if (!keys) {
    keysCache ??= autoincrementKeys();
    keys = keysCache;
  }
  let out = pgPlaceholders(sql.replace(/\bLIKE\b/g, "ILIKE"));
  // SQLite's scalar two-argument MAX/MIN are PostgreSQL's GREATEST/LEAST (aggregates keep one argument).
  out = out.replace(/\bMAX\(([^(),]+),([^(),]+)\)/g, "GREATEST($1,$2)");
  out = out.replace(/\bMIN\(([^(),]+),([^(),]+)\)/g, "LEAST($1,$2)");
  // `+"col"` keeps SQLite's planner off an index; PostgreSQL has no unary plus on text.
  out = out.replace(/([\s(=,])\+"/g, '$1"');
  const insert = /^\s*INSERT\s+INTO\s+"(\w+)"/i.exec(out);
  if (insert && !/\bRETURNING\b/i.test(out)) {
    const key = keys.get(insert[1]!);
    if (key) out = `${out.trimEnd()} RETURNING "${key}"`;
  }
  return out;
}

const translatedTexts = new Map<string, string>();

/**
 * translate() remembered per text, for the few statement shapes a hot path sends over and over
 * (a routing pass is one of four). Bounded: past 256 texts it starts again rather than grow.
 */
export function translated(sql: string): string {
  let out = translatedTexts.get(sql);
  if (out === undefined) {
    if (translatedTexts.size >= 256) translatedTexts.clear();
    out = translate(sql);
    translatedTexts.set(sql, out);
  }
  return out;
}

interface Answer {
  rows?: unknown[];
  rowCount?: number;
  fields?: string[];
  error?: { message: string; code?: string };
  ok?: boolean;
}

export class PgSyncError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

type Param = string | number | bigint | boolean | null | Buffer | undefined;

function normalise(params: unknown[]): Param[] {
  const flat = params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
  return flat.map((p) => (typeof p === "bigint" ? p.toString() : (p as Param)));
}

export class PgSyncStatement {
  private plucked = false;
  readonly reader: boolean;
  constructor(
    private readonly db: PgSyncDatabase,
    readonly source: string,
    private readonly text: string,
  ) {
    this.reader = /^\s*(SELECT|WITH|VALUES)\b/i.test(source) || /\bRETURNING\b/i.test(source);
  }

  pluck(on = true): this {
    this.plucked = on;
    return this;
  }

  run(...params: unknown[]): { changes: number; lastInsertRowid: number } {
    if (this.db.pipelined && !this.reader) {
      // Inside pipelined(): sent without waiting; the result is not known (see pipelined()).
      this.db.send(this.text, normalise(params));
      return { changes: 0, lastInsertRowid: 0 };
    }
    const a = this.db.call(this.text, normalise(params));
    const first = a.rows?.[0] as Record<string, unknown> | undefined;
    const id = first && a.fields?.length === 1 ? Number(first[a.fields[0]!]) : 0;
    return { changes: a.rowCount ?? 0, lastInsertRowid: id };
  }

  all(...params: unknown[]): unknown[] {
    const a = this.db.call(this.text, normalise(params));
    const rows = (a.rows ?? []) as Record<string, unknown>[];
    if (!this.plucked) return rows;
    const col = a.fields?.[0];
    return rows.map((r) => (col === undefined ? undefined : r[col]));
  }

  get(...params: unknown[]): unknown {
    return this.all(...params)[0];
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    yield* this.all(...params);
  }
}

type TxFn<A extends unknown[], T> = ((...args: A) => T) & {
  immediate: (...args: A) => T;
  deferred: (...args: A) => T;
  exclusive: (...args: A) => T;
};

/** Marks the PostgreSQL connection across module copies (tsx's and Next's bundle load this file apart). */
const PG_SYNC = Symbol.for("switchyard.pgSync");

export class PgSyncDatabase {
  readonly [PG_SYNC] = true;
  readonly memory = false;
  open = true;
  private depth = 0;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly statements = new Map<string, string>();
  private pool: pg.Pool | null = null;
  private session: pg.Pool | null = null;
  private readonly timeoutMs: number;
  /** Numbers the answered requests: an answer that comes after its caller gave up is skipped. */
  private requests = 0;

  constructor(
    readonly name: string,
    opts: { applicationName?: string } = {},
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const root = process.cwd();
    const pgPath = createRequire(path.join(root, "package.json")).resolve("pg");
    this.timeoutMs = blockingTimeoutMs();
    this.worker = new Worker(path.join(root, "lib", "db", "pg-sync.worker.cjs"), {
      workerData: {
        timeoutMs: this.timeoutMs,
        url: name,
        pgPath,
        flag: this.flag.buffer,
        port: port2,
        name: opts.applicationName ?? "switchyard",
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  private pipelineDepth = 0;
  private capturing: { sql: string; params: Param[] }[] | null = null;

  /** True inside pipelined(): writes are sent without waiting. */
  get pipelined(): boolean {
    return this.pipelineDepth > 0;
  }

  /**
   * Runs fn with its writes (`run()` of statements that return no rows) sent without waiting for
   * each answer: they run in order before the next statement that reads, and an error of any of
   * them is thrown there (at the latest by COMMIT, so a transaction still fails whole). For
   * callers that ignore `changes` and `lastInsertRowid` (they read 0): the delivery recorder.
   */
  pipelinedWrites<T>(fn: () => T): T {
    this.pipelineDepth++;
    try {
      return fn();
    } finally {
      this.pipelineDepth--;
    }
  }

  /**
   * Runs fn with its writes collected instead of sent: every statement it would have sent without
   * waiting (row-less `run()`, `send()`) comes back, in order, for the caller to run elsewhere (on
   * asyncPool(), so the event loop does not wait: the delivery recorder). A statement that must be
   * answered (a read, RETURNING) throws: fn may only write.
   */
  captureWrites(fn: () => void): { sql: string; params: Param[] }[] {
    const captured: { sql: string; params: Param[] }[] = [];
    const outer = this.capturing;
    this.capturing = captured;
    this.pipelineDepth++;
    try {
      fn();
    } finally {
      this.pipelineDepth--;
      this.capturing = outer;
    }
    return captured;
  }

  /**
   * An asynchronous pool on the same database, for statements whose caller need not block: the
   * delivery workers' claims (lib/delivery/worker.ts). Opened on first use, closed with this.
   */
  asyncPool(): pg.Pool {
    // Claims (one per destination at a time), the recorder's writes (one flush at a time) and the
    // routing pass (one at a time): with a few destinations, each has a connection ready.
    this.pool ??= this.openPool(6);
    return this.pool;
  }

  /**
   * One asynchronous connection kept open for session state: the singleton leases' advisory locks
   * (lib/db/lease.ts). Every statement goes to the same session while it lives; a statement that
   * fails drops it (its locks go with it) and the next one opens a new session.
   */
  sessionPool(): pg.Pool {
    this.session ??= this.openPool(1);
    return this.session;
  }

  private openPool(max: number): pg.Pool {
    // Values read like this connection's (lib/db/pg-sync.worker.cjs), without changing the
    // process-wide parsers other pools rely on.
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20 || oid === 1700
          ? Number
          : oid === 1114 || oid === 1184
            ? (v: string) => v
            : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    };
    const pool = new pg.Pool({
      connectionString: this.name,
      max,
      allowExitOnIdle: true,
      // An idle session is kept (a lease's lock lives as long as its session).
      idleTimeoutMillis: max === 1 ? 0 : 10_000,
      types,
      // A statement (or a connection attempt) that gets no answer fails after the same limit as
      // a blocking one, and its connection is dropped: a pass or refresh waiting on a frozen
      // connection would otherwise never end, and none would start after it.
      query_timeout: this.timeoutMs,
      connectionTimeoutMillis: this.timeoutMs,
    });
    pool.on("error", (err) => console.error("[switchyard] idle PostgreSQL connection failed:", err.message));
    return pool;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** One round trip to the worker's connection; blocks until the answer is there. */
  call(sql: string, params: Param[] = []): Answer {
    if (!this.open) throw new PgSyncError("The database connection is closed");
    if (this.capturing)
      throw new PgSyncError("Only writes can be captured (captureWrites): this statement reads");
    const id = ++this.requests;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ id, sql, params });
    // The thread answers within its own limit (an error once it dropped the connection); the
    // extra seconds only matter when the thread itself is stuck.
    const deadline = Date.now() + this.timeoutMs + 5000;
    const idle = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        const a = got.message as Answer & { id?: number };
        if (a.id !== id) continue; // the late answer of a call that timed out
        if (a.error) throw new PgSyncError(a.error.message, a.error.code);
        return a;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new PgSyncError(`PostgreSQL did not answer within ${this.timeoutMs / 1000} s`);
      // Woken with nothing readable yet (seen once under load), or not woken yet: wait again.
      if (Atomics.load(this.flag, 0) === 1) Atomics.wait(idle, 0, 0, 2);
      else Atomics.wait(this.flag, 0, 0, left);
    }
  }

  /**
   * Sends a statement without waiting for it (BEGIN, SET LOCAL): it runs before the next call,
   * which reports its error if it failed. Saves a blocking round trip per transaction.
   */
  send(sql: string, params: Param[] = []): void {
    if (!this.open) throw new PgSyncError("The database connection is closed");
    if (this.capturing) {
      this.capturing.push({ sql, params });
      return;
    }
    this.port.postMessage({ sql, params, quiet: true });
  }

  prepare(sql: string): PgSyncStatement {
    let text = this.statements.get(sql);
    if (text === undefined) {
      text = translate(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, text);
    }
    return new PgSyncStatement(this, sql, text);
  }

  exec(sql: string): this {
    this.call(sql);
    return this;
  }

  /** SQLite tuning; nothing to do on PostgreSQL. */
  pragma(_source: string): unknown[] {
    return [];
  }

  transaction<A extends unknown[], T>(fn: (...args: A) => T): TxFn<A, T> {
    const run = (...args: A): T => {
      const nested = this.depth > 0;
      const savepoint = `sp_${this.depth}`;
      this.send(nested ? `SAVEPOINT ${savepoint}` : "BEGIN");
      this.depth++;
      try {
        const result = fn(...args);
        this.depth--;
        this.call(nested ? `RELEASE SAVEPOINT ${savepoint}` : "COMMIT");
        return result;
      } catch (err) {
        this.depth--;
        try {
          this.call(nested ? `ROLLBACK TO SAVEPOINT ${savepoint}` : "ROLLBACK");
        } catch {}
        throw err;
      }
    };
    return Object.assign(run, { immediate: run, deferred: run, exclusive: run });
  }

  close(): void {
    if (!this.open) return;
    try {
      this.call("SELECT 1");
      Atomics.store(this.flag, 0, 0);
      this.port.postMessage({ close: true });
      Atomics.wait(this.flag, 0, 0, 5000);
    } catch {}
    this.open = false;
    void this.pool?.end().catch(() => {});
    this.pool = null;
    void this.session?.end().catch(() => {});
    this.session = null;
    this.port.close();
    void this.worker.terminate();
  }

  /** Typed as the better-sqlite3 handle the stores take (the subset above is what they use). */
  asDatabase(): Database.Database {
    return this as unknown as Database.Database;
  }
}

/** True for the PostgreSQL connection (for the few statements that differ by dialect). */
// Not `instanceof`: the server script (tsx) opens the connection and Next's bundled route
// handlers use it, each with its own copy of this class.
export function isPg(db: unknown): boolean {
  return typeof db === "object" && db !== null && (db as { [PG_SYNC]?: boolean })[PG_SYNC] === true;
}
