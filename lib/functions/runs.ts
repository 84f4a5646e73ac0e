import type Database from "better-sqlite3";
import { SerialWrites } from "@/lib/db/off-loop";
import type { Binding } from "@/lib/functions/runtime";
import type { InvocationResult } from "@/lib/functions/sandbox/types";

// Recent invocations for the Functions page: every failure and, per instance, at most one success
// every few seconds, with the captured console output. Written in one transaction per flush
// (never one write per event) and pruned to the newest rows per instance.

const FLUSH_MS = 500;
const SUCCESS_EVERY_MS = 5000;
const KEEP_PER_INSTANCE = 200;
const MAX_INPUT_CHARS = 4096;

interface Pending {
  workspaceId: string;
  functionId: string;
  instanceId: string;
  version: number;
  outcome: string;
  errorName: string | null;
  message: string | null;
  logs: string;
  input: string | null;
  durationMs: number;
  at: number;
}

export type Redact = (text: string) => string;

export class RunRecorder {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly lastSuccess = new Map<string, number>();
  private readonly writes: SerialWrites;

  constructor(private readonly db: Database.Database) {
    this.writes = new SerialWrites(db, "functions: recording runs");
  }

  add(binding: Binding, result: InvocationResult, input: string, redact: Redact = (t) => t): void {
    const at = Date.now();
    if (result.outcome === "ok" || result.outcome === "drop") {
      const last = this.lastSuccess.get(binding.instanceId) ?? 0;
      if (at - last < SUCCESS_EVERY_MS) return;
      this.lastSuccess.set(binding.instanceId, at);
    }
    this.pending.push({
      workspaceId: binding.workspaceId,
      functionId: binding.functionId,
      instanceId: binding.instanceId,
      version: binding.version,
      outcome: result.outcome,
      errorName: result.outcome === "ok" ? null : (result.name ?? null),
      message: result.message ? redact(result.message) : null,
      logs: redact(JSON.stringify(result.logs)),
      input: redact(input.length > MAX_INPUT_CHARS ? `${input.slice(0, MAX_INPUT_CHARS)}…` : input),
      durationMs: Math.round(result.durationMs),
      at,
    });
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /**
   * Writes the pending runs in one transaction: on PostgreSQL off the event loop (lib/db/off-loop.ts),
   * one write at a time (a write asked for while one is on its way goes after it).
   */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    // Closed at shutdown before this timer fired: these runs are only the recent-runs view.
    if (!rows.length || (this.db as { open?: boolean }).open === false) return;
    this.writes.write(() => this.write(rows));
  }

  /** Writes what is pending, after any write still on its way. */
  async close(): Promise<void> {
    this.flush();
    await this.writes.idle();
  }

  private write(rows: Pending[]): void {
    const insert = this.db.prepare(
      `INSERT INTO "FunctionRun" ("workspaceId", "functionId", "instanceId", "version", "outcome", "errorName", "message", "logs", "input", "durationMs", "at")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const prune = this.db.prepare(
      `DELETE FROM "FunctionRun" WHERE "instanceId" = ? AND "id" <= (
         SELECT "id" FROM "FunctionRun" WHERE "instanceId" = ? ORDER BY "id" DESC LIMIT 1 OFFSET ${KEEP_PER_INSTANCE})`,
    );
    for (const r of rows)
      insert.run(
        r.workspaceId,
        r.functionId,
        r.instanceId,
        r.version,
        r.outcome,
        r.errorName,
        r.message,
        r.logs,
        r.input,
        r.durationMs,
        r.at,
      );
    for (const id of new Set(rows.map((r) => r.instanceId))) prune.run(id, id);
  }
}
