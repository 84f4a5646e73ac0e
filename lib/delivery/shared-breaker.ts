import type Database from "better-sqlite3";
import { type Maybe, SerialWrites } from "@/lib/db/off-loop";
import { CircuitBreaker } from "@/lib/delivery/breaker";
import type { DeliveryConfig } from "@/lib/delivery/config";
import { claimProbe, recordBreakerEvent, type SharedState, writeBreaker } from "@/lib/delivery/control";
import { expireParkedJobs } from "@/lib/delivery/retention";

// One destination's circuit breaker as the installation shares it (lib/delivery/worker.ts holds
// one per destination). The decisions are the local CircuitBreaker's (lib/delivery/breaker.ts);
// this keeps the shared side: its state written to DestinationDeliveryState (in order, off the
// event loop on PostgreSQL), the state other processes wrote adopted, the one probe per
// installation claimed, and messages whose retry deadline passes while the destination is blocked
// (paused or open) given up on.

/** How often a blocked destination's overdue messages are given up on. */
const EXPIRE_EVERY_MS = 5000;

export interface SharedBreakerDeps {
  db: Database.Database;
  cfg: DeliveryConfig;
  now: () => number;
}

export class SharedBreaker {
  readonly breaker: CircuitBreaker;
  /** The state last written (or adopted): decides whether a change opened or closed it. */
  private persisted = "closed";
  /** The state and health events, written in order (off the event loop on PostgreSQL). */
  private readonly writes: SerialWrites;
  /** When the last write landed (adopt ignores reads begun before it). */
  private settledAt = Number.NEGATIVE_INFINITY;
  private lastExpiry = 0;
  /** PostgreSQL: the expiry of overdue messages in flight. */
  private expiring: Promise<void> | null = null;

  constructor(
    private readonly dest: { id: string; workspaceId: string },
    private readonly deps: SharedBreakerDeps,
  ) {
    this.breaker = new CircuitBreaker(deps.cfg.breaker);
    this.writes = new SerialWrites(deps.db, `recording the breaker of ${dest.id}`);
  }

  /**
   * The state as another process left it (the runner re-reads it every second). `readAt`: when
   * that read began; a read older than this process's last write (still on its way, or landed
   * after the read began) may not show it, and is ignored. True when the local state changed.
   */
  adopt(shared: SharedState["breaker"], readAt = Number.POSITIVE_INFINITY): boolean {
    if (readAt < this.settledAt) return false;
    if (!this.breaker.adopt(shared)) return false;
    this.persisted = this.breaker.state;
    return true;
  }

  /** The local breaker changed state: write it, and its opening or closing to the health feed. */
  changed(now: number): void {
    const b = this.breaker.snapshot();
    const d = { destinationId: this.dest.id, workspaceId: this.dest.workspaceId };
    const opened = b.state === "open" && this.persisted === "closed";
    const closed = b.state === "closed" && this.persisted !== "closed";
    this.persisted = b.state;
    // Until the writes land, the shared state the runner reads is older than this one.
    this.settledAt = Number.POSITIVE_INFINITY;
    this.writes.write(() => {
      writeBreaker(
        this.deps.db,
        d,
        { breaker: b.state, since: b.since, nextProbeAt: b.nextProbeAt, failures: b.failures },
        now,
      );
      if (opened || closed)
        recordBreakerEvent(
          this.deps.db,
          d,
          now,
          opened
            ? `Circuit breaker opened after ${b.failures} consecutive failed attempts: one message at a time from now on, first probe at ${new Date(b.nextProbeAt ?? now).toISOString()}`
            : "Circuit breaker closed: a probe was delivered, the backlog drains at full speed",
          opened,
        );
    });
    if (!this.writes.busy) this.settledAt = now;
    else
      void this.writes.idle().then(() => {
        if (!this.writes.busy) this.settledAt = this.deps.now();
      });
  }

  /**
   * Claims the installation's one probe (true: this process sends it). After this process's own
   * writes have landed: the claim reads the state they write. A failed claim is logged and lost.
   */
  claimProbe(now: number): Maybe<boolean> {
    const failed = (err: unknown) => {
      console.error(`[switchyard] delivery: claiming the probe of ${this.dest.id} failed:`, err);
      return false;
    };
    const claim = () => claimProbe(this.deps.db, this.dest.id, now, now + this.deps.cfg.timeoutMs);
    try {
      const won = this.writes.busy ? this.writes.idle().then(claim) : claim();
      return won instanceof Promise ? won.catch(failed) : won;
    } catch (err) {
      return failed(err);
    }
  }

  /** The claimed probe is being sent. */
  probing(): void {
    this.persisted = "probing";
  }

  /** While blocked, messages past their retry deadline are given up on (the breaker drops none itself). */
  expireOverdue(now: number, paused: boolean): void {
    if (this.expiring) return;
    if (now - this.lastExpiry < Math.min(EXPIRE_EVERY_MS, this.deps.cfg.configRefreshMs * 5)) return;
    this.lastExpiry = now;
    const failed = (err: unknown) =>
      console.error(`[switchyard] delivery: expiring overdue jobs of ${this.dest.id} failed:`, err);
    try {
      const expired = expireParkedJobs(this.deps.db, this.dest.id, now, (j) =>
        paused
          ? {
              errorType: "destination_paused",
              message: `Delivery was paused until the retry deadline passed${j.lastError ? ` (last error: ${j.lastError})` : ""}`,
            }
          : {
              errorType: j.lastErrorType ?? "server_error",
              message: `${j.lastError ?? "The destination kept failing"} (gave up after ${j.attempts} attempts: the retry deadline passed while the destination was being probed)`,
            },
      );
      // PostgreSQL: off the event loop, one at a time.
      if (expired instanceof Promise)
        this.expiring = expired
          .then(() => {}, failed)
          .finally(() => {
            this.expiring = null;
          });
    } catch (err) {
      failed(err);
    }
  }

  /** Resolves when the writes and the expiry on their way are done. */
  async idle(): Promise<void> {
    await Promise.all([this.expiring, this.writes.idle()]);
  }
}
