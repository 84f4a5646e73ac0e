import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { RollupBatch } from "@/lib/delivery/rollups";
import {
  insertJobs,
  insertOutcomes,
  type JobInsert,
  type JobRow,
  type OutcomeInput,
  rowKey,
  sql,
} from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";
import { privacySql } from "@/lib/privacy/sql";
import type { Verdict } from "@/lib/protocols/enforcement";
import { routeMessage } from "@/lib/routing/route";
import type { RouteContext } from "@/lib/routing/steps";
import { FINGERPRINT, type RoutingTable } from "@/lib/routing/table";
import { JOBS_CHANNEL, jobsNotification } from "@/lib/tap/pg";

// Routing is derived from the archive: read the messages after the cursor, decide per connected
// destination, then in ONE transaction insert the delivery jobs and the filtered/unsupported
// outcomes and move the cursor. A crash before the commit leaves the cursor where it was and the
// pass is redone; unique (destinationId, seq) keys make a redone pass harmless. Nothing is lost
// between acceptance and delivery because acceptance (the archive commit) is the queue's source.

export interface HandOff {
  capacity(): number;
  leaseMs(): number;
  accept(jobs: JobRow[]): void;
  notify(): void;
}

export interface RouterDeps {
  db: Database.Database;
  cfg: DeliveryConfig;
  now: () => number;
  table: () => RoutingTable;
  worker: (destinationId: string) => HandOff | undefined;
  /** Where a brand-new cursor starts: "latest" skips the history already archived. */
  startFrom?: "latest" | "beginning";
  /**
   * Called by each pass that found messages, before routing them, with the routing fingerprint
   * (lib/routing/table.ts) read in the same statement: the runner reloads the routing table when it
   * changed. Without it, the pass routes against table() as it is (the fingerprint is read anyway).
   */
  fingerprint?: (fingerprint: string) => void;
}

const MESSAGE_COLUMNS = [
  "seq",
  "workspaceId",
  "sourceId",
  "messageId",
  "type",
  "event",
  "status",
  "receivedAt",
  "payload",
  "protocol",
] as const;

const reads = new WeakMap<Database.Database, Database.Statement>();

/**
 * The messages after the cursor and, in the same statement, the routing fingerprint. One snapshot
 * serves both: every destination change committed before a message it returns is visible to the
 * fingerprint, so such a message is routed with that change; and on PostgreSQL it is one round
 * trip, not two, while the event loop waits. At least one row (the fingerprint's) comes back;
 * its "seq" is null when there are no messages.
 */
function messagesWithFingerprint(db: Database.Database): Database.Statement {
  let st = reads.get(db);
  if (!st) {
    const cols = MESSAGE_COLUMNS.map((c) => `"${c}"`).join(", ");
    st = db.prepare(
      `SELECT fp.*, ${MESSAGE_COLUMNS.map((c) => `m."${c}"`).join(", ")} FROM (${FINGERPRINT}) AS fp
       LEFT JOIN (SELECT ${cols} FROM "Message" WHERE "seq" > ? ORDER BY "seq" LIMIT ?) AS m ON 1 = 1
       ORDER BY m."seq"`,
    );
    reads.set(db, st);
  }
  return st;
}

interface ArchiveRow {
  seq: number;
  workspaceId: string;
  sourceId: string;
  messageId: string | null;
  type: string | null;
  event: string | null;
  status: string;
  receivedAt: number;
  payload: string;
  protocol: string | null;
}

export class Router {
  private lastSeq = 0;

  constructor(private readonly deps: RouterDeps) {
    this.lastSeq = this.readCursor();
  }

  /**
   * Re-reads the cursor from the database: a router that (re)gains the routing lease continues
   * where the previous holder stopped, never from a stale copy (which would re-create jobs
   * already delivered).
   */
  reload(): void {
    this.lastSeq = this.readCursor();
  }

  private readCursor(): number {
    const deps = this.deps;
    const s = sql(deps.db);
    const row = s.readCursor.get() as { lastSeq: number } | undefined;
    if (row) return row.lastSeq;
    const start = deps.startFrom === "beginning" ? 0 : ((s.maxSeq.get() as { seq: number | null }).seq ?? 0);
    s.writeCursor.run(start, deps.now());
    return start;
  }

  get cursor(): number {
    return this.lastSeq;
  }

  /** Routes up to `limit` archived messages; returns how many archive rows it consumed. */
  pass(limit = 1000): number {
    const { db, cfg, now: clock } = this.deps;
    const s = sql(db);
    const ps = privacySql(db);
    const rows = messagesWithFingerprint(db).all(this.lastSeq, limit) as (ArchiveRow &
      Record<string, unknown>)[];
    if (rows.length === 0 || rows[0]!.seq === null) return 0;
    if (this.deps.fingerprint) {
      const fp: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rows[0]!))
        if (!(MESSAGE_COLUMNS as readonly string[]).includes(k)) fp[k] = v;
      this.deps.fingerprint(JSON.stringify(fp));
    }
    const table = this.deps.table();
    const now = clock();
    const handed = new Map<string, JobRow[]>();
    const waiting = new Set<string>();
    const room = new Map<string, number>();
    const rollups = new RollupBatch();
    const last = rows[rows.length - 1]!.seq;
    // Decide every row first, then write each kind of row at once (lib/delivery/store.ts: one
    // statement per kind on PostgreSQL), all in one transaction with the cursor.
    const routed: OutcomeInput[] = [];
    const jobs: { insert: JobInsert; leased: boolean; handed: JobRow }[] = [];
    const removals: unknown[][] = [];
    for (const row of rows) {
      if (row.status !== "accepted") continue;
      const targets = table.bySource.get(row.sourceId);
      if (!targets) continue;
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(row.payload) as Record<string, unknown>;
      } catch {
        continue;
      }
      const messageId =
        row.messageId ?? (typeof message.messageId === "string" ? message.messageId : `seq-${row.seq}`);
      const type = row.type ?? String(message.type ?? "");
      const ctx = routeContext(row.sourceId, row.protocol, table.schemaOff.get(row.sourceId));
      for (const dest of targets) {
        const decision = routeMessage(message, dest, ctx);
        const key = { destinationId: dest.id, sourceId: row.sourceId, workspaceId: row.workspaceId };
        if (decision.kind !== "deliver") {
          routed.push({
            ...key,
            seq: row.seq,
            messageId,
            type,
            event: row.event,
            status: decision.kind,
            attempts: 0,
            receivedAt: row.receivedAt,
            finishedAt: now,
            latencyMs: null,
            httpStatus: null,
            errorType: decision.errorType,
            errorMessage: decision.reason,
          });
          continue;
        }
        if (decision.privacyRemoved.length > 0)
          // "privacy: N fields removed" for Event Delivery and the debugger's delivery view.
          removals.push([
            dest.id,
            row.seq,
            row.workspaceId,
            row.sourceId,
            decision.privacyRemoved.length,
            JSON.stringify(decision.privacyRemoved),
            now,
          ]);
        const worker = this.deps.worker(dest.id);
        if (!room.has(dest.id)) room.set(dest.id, worker?.capacity() ?? 0);
        const leased = room.get(dest.id)! > 0;
        if (leased) room.set(dest.id, room.get(dest.id)! - 1);
        const leaseEnd = now + (worker?.leaseMs() ?? 0);
        const deadlineAt = row.receivedAt + cfg.deadlineMs;
        jobs.push({
          leased,
          insert: {
            ...key,
            seq: row.seq,
            messageId,
            type,
            event: row.event,
            receivedAt: row.receivedAt,
            payload: decision.payload,
            nextAttemptAt: leased ? leaseEnd : now,
            leaseUntil: leased ? leaseEnd : 0,
            deadlineAt,
            createdAt: now,
          },
          handed: {
            id: 0,
            ...key,
            seq: row.seq,
            messageId,
            type,
            event: row.event,
            receivedAt: row.receivedAt,
            attempts: 0,
            deadlineAt,
            payload: decision.payload ?? row.payload,
            modified: decision.payload === null ? 0 : 1,
            message: decision.message,
          },
        });
      }
    }
    deliveryTransaction(db, () => {
      const inserted = insertOutcomes(db, routed);
      for (const o of routed)
        if (inserted.has(rowKey(o.destinationId, o.seq)))
          rollups.add(o, now, o.status as "filtered" | "unsupported");
      for (const r of removals) ps.insertRemoval.run(...r);
      const ids = insertJobs(
        db,
        jobs.map((j) => j.insert),
      );
      for (const j of jobs) {
        const id = ids.get(rowKey(j.insert.destinationId, j.insert.seq));
        if (id === undefined) continue; // routed before (a pass repeated after a crash)
        if (!j.leased) {
          waiting.add(j.insert.destinationId);
          continue;
        }
        const list = handed.get(j.insert.destinationId) ?? [];
        list.push({ ...j.handed, id });
        handed.set(j.insert.destinationId, list);
      }
      rollups.write(db);
      s.writeCursor.run(last, now);
      // PostgreSQL: other processes' workers claim what was left in the queue as soon as this
      // commits (the notification is delivered at commit), not at their next idle claim.
      if (waiting.size && isPg(db))
        (db as unknown as PgSyncDatabase).send("SELECT pg_notify($1, $2)", [
          JOBS_CHANNEL,
          jobsNotification(waiting),
        ]);
    });
    this.lastSeq = last;
    for (const [id, jobs] of handed) this.deps.worker(id)?.accept(jobs);
    for (const id of waiting) this.deps.worker(id)?.notify();
    return rows.length;
  }
}

/** The steps' context for an archived message: its Protocols verdict and its source's schema integration filters. */
export function routeContext(
  sourceId: string,
  protocol: string | null,
  schemaOff: RouteContext["schemaOff"],
): RouteContext {
  let verdict: Verdict | null = null;
  if (protocol) {
    try {
      verdict = JSON.parse(protocol) as Verdict;
    } catch {
      verdict = null;
    }
  }
  return { sourceId, verdict, schemaOff };
}
