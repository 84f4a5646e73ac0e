import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { type JobInsert, type JobRow, type OutcomeInput, rowKey } from "@/lib/delivery/store";
import type { Verdict } from "@/lib/protocols/enforcement";
import { routeMessage } from "@/lib/routing/route";
import type { RouteContext } from "@/lib/routing/steps";
import { FINGERPRINT, type RoutingTable } from "@/lib/routing/table";

// A routing pass's decisions, apart from how they are read and written (lib/routing/router.ts on
// SQLite and the blocking connection, lib/routing/pg-pass.ts off the event loop on PostgreSQL):
// for every archived message after the cursor and every connected destination, a delivery job
// (leased to this process's worker while it has room) or a routing outcome (filtered,
// unsupported), plus the privacy removals to record.

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
   * changed, and the pass waits for that reload (on PostgreSQL it may answer a promise). Without
   * it, the pass routes against table() as it is (the fingerprint is read anyway).
   */
  fingerprint?: (fingerprint: string) => Maybe<void>;
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

/**
 * The messages after the cursor and, in the same statement, the routing fingerprint. One snapshot
 * serves both: every destination change committed before a message it returns is visible to the
 * fingerprint, so such a message is routed with that change; and on PostgreSQL it is one round
 * trip, not two. At least one row (the fingerprint's) comes back; its "seq" is null when there are
 * no messages. Parameters: the cursor, the limit.
 */
export function messagesWithFingerprintSql(): string {
  const cols = MESSAGE_COLUMNS.map((c) => `"${c}"`).join(", ");
  return `SELECT fp.*, ${MESSAGE_COLUMNS.map((c) => `m."${c}"`).join(", ")} FROM (${FINGERPRINT}) AS fp
       LEFT JOIN (SELECT ${cols} FROM "Message" WHERE "seq" > ? ORDER BY "seq" LIMIT ?) AS m ON 1 = 1
       ORDER BY m."seq"`;
}

export type Row = ArchiveRow & Record<string, unknown>;

export interface PlannedJob {
  insert: JobInsert;
  leased: boolean;
  handed: JobRow;
}

/** One pass's decisions, before anything is written. */
export interface Plan {
  consumed: number;
  last: number;
  now: number;
  routed: OutcomeInput[];
  jobs: PlannedJob[];
  removals: unknown[][];
}

export interface HandOffs {
  handed: Map<string, JobRow[]>;
  waiting: Set<string>;
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

/**
 * The routing fingerprint read with the messages (messagesWithFingerprintSql), or null when the read
 * found no message (nothing to route, so no reload is needed first).
 */
export function fingerprintOf(rows: Row[]): string | null {
  if (rows.length === 0 || rows[0]!.seq === null) return null;
  const fp: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rows[0]!))
    if (!(MESSAGE_COLUMNS as readonly string[]).includes(k)) fp[k] = v;
  return JSON.stringify(fp);
}

/** Decides every row of a read (the messages after the cursor) without writing anything. */
export function planPass(rows: Row[], deps: RouterDeps): Plan | null {
  if (rows.length === 0 || rows[0]!.seq === null) return null;
  const { cfg, now: clock } = deps;
  const table = deps.table();
  const now = clock();
  const room = new Map<string, number>();
  const last = rows[rows.length - 1]!.seq;
  // Decide every row first, then write each kind of row at once (lib/delivery/store.ts: one
  // statement per kind on PostgreSQL), all in one transaction with the cursor.
  const routed: OutcomeInput[] = [];
  const jobs: PlannedJob[] = [];
  const removals: unknown[][] = [];
  for (const row of rows) {
    if (row.status !== "accepted") continue;
    const targets = table.bySource.get(row.sourceId);
    if (!targets) continue;
    const parsed = parseArchived(row);
    if (!parsed) continue;
    const { message, messageId, type } = parsed;
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
      const worker = deps.worker(dest.id);
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
  return { consumed: rows.length, last, now, routed, jobs, removals };
}

/** The leased jobs of a pass that were inserted (`ids`), by destination, to hand to this process's workers. */
export function handedJobs(plan: Plan, ids: Map<string, number>): Map<string, JobRow[]> {
  const handed = new Map<string, JobRow[]>();
  for (const j of plan.jobs) {
    if (!j.leased) continue;
    const id = ids.get(rowKey(j.insert.destinationId, j.insert.seq));
    if (id === undefined) continue; // routed before (a pass repeated after a crash)
    const list = handed.get(j.insert.destinationId) ?? [];
    list.push({ ...j.handed, id });
    handed.set(j.insert.destinationId, list);
  }
  return handed;
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

/**
 * An archived message as the routing steps take it: the parsed payload, the messageId (the
 * idempotency key: the stored one, else the payload's, else one derived from the seq) and the
 * call type. Null when the payload is not JSON (nothing could be sent).
 */
export function parseArchived(row: {
  seq: number;
  messageId: string | null;
  type: string | null;
  payload: string;
}): { message: Record<string, unknown>; messageId: string; type: string } | null {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(row.payload) as Record<string, unknown>;
  } catch {
    return null;
  }
  const messageId =
    row.messageId ?? (typeof message.messageId === "string" ? message.messageId : `seq-${row.seq}`);
  return { message, messageId, type: row.type ?? String(message.type ?? "") };
}
