import type Database from "better-sqlite3";
import { isPg, type PgSyncDatabase } from "@/lib/db/pg-sync";
import { type AttemptDeps, type AttemptResult, attemptJobs } from "@/lib/delivery/attempt";
import type { CircuitBreaker } from "@/lib/delivery/breaker";
import type { DeliveryConfig } from "@/lib/delivery/config";
import type { SharedState } from "@/lib/delivery/control";
import { getMapping } from "@/lib/delivery/destinations";
import { createAgents, type HttpAgents } from "@/lib/delivery/http/client";
import type { Recorder } from "@/lib/delivery/recorder";
import { redactor, secretValues } from "@/lib/delivery/redact";
import { SharedBreaker } from "@/lib/delivery/shared-breaker";
import { claimJobs, claimJobsAsync, type JobRow, sql } from "@/lib/delivery/store";
import { deliveryTransaction } from "@/lib/delivery/tx";
import { functionBatching } from "@/lib/functions/delivery";
import type { RoutedDestination } from "@/lib/routing/table";

// One destination's delivery loop. It holds at most 2 x concurrency jobs (leased to it): the
// router hands over fresh jobs while there is room, and the worker claims due jobs from the
// table (retries, replays, anything left by a crash) when it has room. A slow or failing
// destination therefore only fills its own slots; its backlog waits in the table.
// A destination whose attempts keep failing is slowed as a whole by its circuit breaker
// (lib/delivery/breaker.ts; its shared side, across processes, in lib/delivery/shared-breaker.ts):
// one message per probe until one succeeds. A paused destination sends nothing. In both cases the
// held jobs go back to the table, and messages whose retry deadline passes while they wait become
// "not delivered" (their last error, or destination_paused).

export interface WorkerDeps {
  db: Database.Database;
  cfg: DeliveryConfig;
  recorder: Recorder;
  now: () => number;
  random: () => number;
  /** Requests in flight this process may have per destination (DELIVERY_CONCURRENCY shared among processes). */
  concurrency?: () => number;
}

const IDLE_POLL_MS = 1000;

export class DestinationWorker {
  private queue: JobRow[] = [];
  private readonly queuedAt = new Map<number, number>();
  private readonly held = new Set<number>();
  private inflight = 0;
  private inflightJobs = 0;
  private moreInTable = true;
  private claimTimer: NodeJS.Timeout | null = null;
  private claimAt = Number.POSITIVE_INFINITY;
  private batchTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private abandoned = false;
  private idle: (() => void) | null = null;
  private readonly agents: HttpAgents;
  private attemptDeps: AttemptDeps;
  private readonly breaker: CircuitBreaker;
  private paused = false;
  /** The breaker's shared side: its writes, adoption, probe claims and overdue messages. */
  private readonly shared: SharedBreaker;
  /** PostgreSQL: the claim in flight (see claimAsync), and whether another was asked for meanwhile. */
  private claiming: Promise<void> | null = null;
  private claimAgain = false;

  constructor(
    private dest: RoutedDestination,
    private readonly deps: WorkerDeps,
  ) {
    this.agents = createAgents({ allowPrivate: deps.cfg.allowPrivate, maxSockets: deps.cfg.concurrency });
    this.attemptDeps = this.makeAttemptDeps(dest);
    this.shared = new SharedBreaker(dest, deps);
    this.breaker = this.shared.breaker;
    this.scheduleClaim(0);
  }

  /** Paused by a person (read from DestinationDeliveryState by the runner every second). */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.giveBack();
    else this.scheduleClaim(0);
  }

  /** The breaker as another process left it (SharedBreaker.adopt; `readAt`: when it was read). */
  adoptBreaker(shared: SharedState["breaker"], readAt = Number.POSITIVE_INFINITY): void {
    if (!this.shared.adopt(shared, readAt)) return;
    if (this.breaker.closed) this.scheduleClaim(0);
    else this.giveBack();
  }

  breakerState() {
    return this.breaker.snapshot();
  }

  /** Nothing may start without a probe (breaker open) or at all (paused). */
  private blocked(): boolean {
    return this.paused || !this.breaker.closed;
  }

  /** Jobs held in memory go back to the table, due at once (their leases end now). */
  private giveBack(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    const at = this.deps.now();
    for (const job of this.queue) {
      this.deps.recorder.add({ kind: "release", job, at });
      this.held.delete(job.id);
      this.queuedAt.delete(job.id);
    }
    this.queue = [];
  }

  private breakerChanged(now: number): void {
    this.shared.changed(now);
    if (this.breaker.state === "open") this.giveBack();
  }

  get id(): string {
    return this.dest.id;
  }

  stats() {
    return {
      id: this.dest.id,
      name: this.dest.name,
      type: this.dest.type,
      inflight: this.inflightJobs,
      queued: this.queue.length,
      paused: this.paused,
      breaker: this.breaker.state,
    };
  }

  /** How many fresh jobs the router may hand over right now. */
  capacity(): number {
    return this.stopped || this.blocked() ? 0 : Math.max(0, this.maxHeld() - this.held.size);
  }

  /** Jobs the router leased to this worker. */
  accept(jobs: JobRow[]): void {
    const now = this.deps.now();
    for (const job of jobs) {
      if (this.held.has(job.id)) continue;
      this.held.add(job.id);
      this.queuedAt.set(job.id, now);
      this.queue.push(job);
    }
    this.pump();
  }

  /** Due jobs may be waiting in the table (the router could not hand them over). */
  notify(): void {
    this.moreInTable = true;
    if (this.held.size === 0 || this.capacity() >= this.maxHeld() / 2) this.scheduleClaim(0);
  }

  update(dest: RoutedDestination): void {
    if (dest.version === this.dest.version) return;
    this.dest = dest;
    this.attemptDeps = this.makeAttemptDeps(dest);
  }

  /** Stops taking work; waits up to graceMs for requests in flight; gives queued jobs back. */
  async stop(graceMs = this.deps.cfg.timeoutMs): Promise<void> {
    this.stopped = true;
    if (this.claimTimer) clearTimeout(this.claimTimer);
    // A claim still out hands its jobs back when it returns (claimAsync).
    if (this.claiming) await Promise.race([this.claiming, new Promise((r) => setTimeout(r, graceMs))]);
    await this.shared.idle();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    const at = this.deps.now();
    for (const job of this.queue) this.deps.recorder.add({ kind: "release", job, at });
    this.queue = [];
    if (this.inflight > 0) {
      const done = new Promise<void>((resolve) => {
        this.idle = resolve;
      });
      await Promise.race([done, new Promise((r) => setTimeout(r, graceMs))]);
    }
    // Results arriving after this are dropped: their leases expire and they are tried again.
    this.abandoned = true;
    this.agents.destroy();
  }

  private makeAttemptDeps(dest: RoutedDestination): AttemptDeps {
    const s = sql(this.deps.db);
    return {
      dest,
      mapping: getMapping(dest.type)!,
      agents: this.agents,
      cfg: this.deps.cfg,
      now: this.deps.now,
      random: this.deps.random,
      redact: redactor(secretValues(dest.type, dest.settings)),
      archived: (seq) => (s.archived.get(seq) as { payload: string } | undefined)?.payload ?? null,
      db: this.deps.db,
    };
  }

  private batching() {
    // A destination function defining onBatch is batched like a batching mapping.
    return (
      this.attemptDeps.mapping.batching?.(this.dest.settings) ??
      functionBatching(this.dest.functions?.destination)
    );
  }

  private concurrency(): number {
    return this.deps.concurrency?.() ?? this.deps.cfg.concurrency;
  }

  private maxHeld(): number {
    const b = this.batching();
    return b ? Math.min(this.concurrency() * b.size * 2, 10_000) : this.concurrency() * 2;
  }

  /** How long a job handed to this worker stays leased: its wait, its attempt, and some slack. */
  leaseMs(): number {
    return (this.batching()?.windowMs ?? 0) + this.deps.cfg.leaseMs;
  }

  private scheduleClaim(delayMs: number): void {
    if (this.stopped) return;
    const at = this.deps.now() + Math.max(0, delayMs);
    if (this.claimTimer && at >= this.claimAt) return;
    if (this.claimTimer) clearTimeout(this.claimTimer);
    this.claimAt = at;
    this.claimTimer = setTimeout(() => {
      this.claimTimer = null;
      this.claimAt = Number.POSITIVE_INFINITY;
      this.claim();
    }, delayMs);
  }

  private claim(): void {
    if (this.stopped) return;
    let want = this.capacity();
    if (this.blocked()) {
      const now = this.deps.now();
      this.shared.expireOverdue(now, this.paused);
      // Open breaker: one job for the probe, once it is due and nothing is in flight.
      const probeAt = this.breaker.nextProbeAt ?? now;
      const busy = this.inflight > 0 || this.queue.length > 0 || this.breaker.state === "probing";
      if (this.paused || busy || probeAt > now) {
        this.scheduleClaim(this.paused || busy ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, probeAt - now));
        return;
      }
      want = 1;
    }
    if (want === 0) {
      this.scheduleClaim(IDLE_POLL_MS);
      return;
    }
    const now = this.deps.now();
    const leaseEnd = now + this.leaseMs();
    if (isPg(this.deps.db)) {
      void this.claimAsync(want, now, leaseEnd);
      return;
    }
    const s = sql(this.deps.db);
    let claimed: JobRow[] = [];
    let nextDue: number | null = null;
    try {
      deliveryTransaction(this.deps.db, () => {
        const got = claimJobs(this.deps.db, this.dest.id, now, want, leaseEnd, this.held);
        claimed = got.claimed;
        if (got.seen < want) nextDue = (s.nextDue.get(this.dest.id) as { at: number | null }).at;
      });
    } catch (err) {
      console.error(`[switchyard] delivery: claiming jobs for ${this.dest.id} failed:`, err);
      this.scheduleClaim(IDLE_POLL_MS);
      return;
    }
    this.claimed(claimed, want, nextDue, now);
  }

  /**
   * PostgreSQL: the claim runs on the asynchronous pool, so requests in flight keep being answered
   * while it waits for the database (a blocking claim stalled the whole process for its round
   * trip, thousands of times a minute at 1,000 events/s). One claim per destination at a time.
   */
  private async claimAsync(want: number, now: number, leaseEnd: number): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    const pool = (this.deps.db as unknown as PgSyncDatabase).asyncPool();
    const attempt = claimJobsAsync(pool, this.dest.id, now, want, leaseEnd, this.held).catch((err) => {
      console.error(`[switchyard] delivery: claiming jobs for ${this.dest.id} failed:`, err);
      return null;
    });
    this.claiming = attempt.then(() => {});
    const got = await attempt;
    this.claiming = null;
    const again = this.claimAgain;
    this.claimAgain = false;
    if (!got) {
      this.scheduleClaim(IDLE_POLL_MS);
      return;
    }
    if (this.stopped) {
      // Stopped while the claim was out: hand the jobs straight back (due now).
      const at = this.deps.now();
      for (const job of got.claimed) this.deps.recorder.add({ kind: "release", job, at });
      return;
    }
    this.claimed(got.claimed, want, got.nextDue, now);
    if (again) this.scheduleClaim(0);
  }

  private claimed(claimed: JobRow[], want: number, nextDue: number | null, now: number): void {
    this.moreInTable = claimed.length === want;
    if (claimed.length) this.accept(claimed);
    if (this.blocked()) {
      this.scheduleClaim(IDLE_POLL_MS);
      return;
    }
    if (this.moreInTable) this.scheduleClaim(0);
    else
      this.scheduleClaim(
        nextDue === null ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(5, nextDue - now)),
      );
  }

  /** The probe claim's answer (on PostgreSQL it comes later; things may have changed meanwhile). */
  private probeClaimed(won: boolean, now: number): void {
    if (this.stopped) return;
    if (!won) {
      this.breaker.lostProbe(now + this.deps.cfg.breaker.baseMs);
      this.giveBack();
      this.scheduleClaim(this.deps.cfg.breaker.baseMs);
      return;
    }
    if (this.breaker.state !== "probing" || this.paused || this.queue.length === 0) {
      // Paused, given back or adopted from another process while the claim was on its way: the
      // claimed probe lapses at its hold time; claim again from the new state.
      this.breaker.release();
      this.scheduleClaim(0);
      return;
    }
    this.shared.probing();
    this.start(this.queue.splice(0, 1));
  }

  private pump(): void {
    if (this.stopped || this.paused) return;
    if (!this.breaker.closed) {
      const now = this.deps.now();
      if (this.inflight === 0 && this.queue.length > 0 && this.breaker.tryAcquire(now)) {
        // One probe per destination across the installation (another process may hold it).
        const won = this.shared.claimProbe(now);
        if (won instanceof Promise) void won.then((w) => this.probeClaimed(w, now));
        else this.probeClaimed(won, now);
      } else if (this.queue.length === 0) this.scheduleClaim(0);
      return;
    }
    const b = this.batching();
    const limit = this.concurrency();
    while (this.inflight < limit && this.queue.length > 0) {
      if (b) {
        const waited = this.deps.now() - (this.queuedAt.get(this.queue[0]!.id) ?? 0);
        if (this.queue.length < b.size && waited < b.windowMs) {
          if (this.batchTimer) clearTimeout(this.batchTimer);
          this.batchTimer = setTimeout(() => {
            this.batchTimer = null;
            this.pump();
          }, b.windowMs - waited);
          break;
        }
      }
      this.start(this.queue.splice(0, b ? b.size : 1));
    }
    // Claim in chunks, not one job per finished request: each claim is a write transaction.
    if (this.moreInTable && (this.held.size === 0 || this.capacity() >= this.maxHeld() / 2))
      this.scheduleClaim(0);
  }

  private start(jobs: JobRow[]): void {
    this.inflight++;
    this.inflightJobs += jobs.length;
    for (const j of jobs) this.queuedAt.delete(j.id);
    attemptJobs(jobs, this.attemptDeps)
      .catch((err: unknown): AttemptResult[] =>
        // A mapping that throws on some message is a bug, not a reason to retry for hours.
        jobs.map((job) => ({
          completion: {
            kind: "final" as const,
            status: "not_delivered" as const,
            job,
            attempts: job.attempts,
            at: this.deps.now(),
            httpStatus: null,
            errorType: "invalid_message",
            message: `Could not build the request: ${err instanceof Error ? err.message : String(err)}`,
          },
        })),
      )
      .then((results) => {
        if (this.abandoned) return;
        const now = this.deps.now();
        let verdict = false;
        let changed = false;
        for (const r of results) {
          if (!r.health) continue;
          verdict = true;
          changed = this.breaker.record(r.health, now) || changed;
        }
        if (!verdict && this.breaker.state === "probing") {
          this.breaker.release();
          changed = true;
        }
        if (changed) this.breakerChanged(now);
        for (const r of results) {
          this.deps.recorder.add(r.completion, r.sample);
          // Claim the retry once it is due and the recorder has written it back.
          if (r.completion.kind === "retry")
            this.scheduleClaim(
              Math.max(r.completion.nextAt - this.deps.now(), 0) + this.deps.cfg.flushMs + 5,
            );
        }
      })
      .finally(() => {
        this.inflight--;
        this.inflightJobs -= jobs.length;
        for (const j of jobs) this.held.delete(j.id);
        if (this.inflight === 0 && this.idle) this.idle();
        this.pump();
      });
  }
}
