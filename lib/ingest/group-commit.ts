import type { AppendResult, ArchivedMessage, ArchiveStore } from "@/lib/ingest/store";

// Group commit: every request that finishes parsing in the same event-loop turn (or within
// `windowMs`) is written in ONE transaction, and only then are their callbacks run. One
// fsync is shared by all of them, yet nobody is acknowledged before their rows are durable.
// With an asynchronous store up to `maxInFlight` groups are queued at the writer, so it never
// idles while the event loop gathers the next group; the store commits them in order.

export type CommitCallback = (err: Error | null, result: AppendResult | null, offset: number) => void;

interface Job {
  rows: ArchivedMessage[];
  done: CommitCallback;
}

export interface GroupCommitOptions {
  /** Extra wait before committing; 0 = once per event-loop turn (setImmediate). */
  windowMs?: number;
  maxInFlight?: number;
  /** Bounds one transaction (and, for a synchronous store, one event-loop stall). */
  maxRowsPerCommit?: number;
  /** The store commits off the event loop (a writer thread). */
  asyncStore?: boolean;
}

export class GroupCommitter {
  private pending: Job[] = [];
  private scheduled = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly windowMs: number;
  private readonly maxInFlight: number;
  private readonly maxRows: number;
  private readonly dispatchEarly: boolean;

  constructor(
    private readonly store: ArchiveStore,
    options: GroupCommitOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 0;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.maxRows = options.maxRowsPerCommit ?? 10_000;
    this.dispatchEarly = options.asyncStore ?? false;
  }

  /** Queues rows; `done` gets the store's result for the whole group and this job's offset in it. */
  submit(rows: ArchivedMessage[], done: CommitCallback): void {
    this.pending.push({ rows, done });
    this.schedule();
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  flush(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    return !this.scheduled && this.inFlight === 0 && this.pending.length === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    if (this.windowMs > 0) setTimeout(() => this.run(), this.windowMs);
    else setImmediate(() => this.run());
  }

  private take(): { jobs: Job[]; rows: ArchivedMessage[] } {
    let count = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || count + this.pending[n]!.rows.length <= this.maxRows)) {
      count += this.pending[n]!.rows.length;
      n++;
    }
    const jobs = this.pending.splice(0, n);
    if (jobs.length === 1) return { jobs, rows: jobs[0]!.rows };
    const rows: ArchivedMessage[] = new Array(count);
    let i = 0;
    for (const job of jobs) for (const row of job.rows) rows[i++] = row;
    return { jobs, rows };
  }

  private run(): void {
    this.scheduled = false;
    if (this.pending.length === 0) {
      this.settle();
      return;
    }
    const { jobs, rows } = this.take();
    this.inFlight++;
    let appended: Promise<AppendResult>;
    try {
      appended = this.store.append(rows);
    } catch (err) {
      appended = Promise.reject(err);
    }
    const done = (err: Error | null, result: AppendResult | null) => {
      this.inFlight--;
      // An asynchronous store gets the next group (gathered while this one committed) before
      // this group's answers are written, so it never idles while the event loop sends them.
      // A synchronous store would commit it right here, delaying those answers: not for it.
      if (this.dispatchEarly && this.pending.length > 0 && !this.scheduled) this.run();
      finish(jobs, err, result);
      this.schedule();
      this.settle();
    };
    appended.then(
      (result) => done(null, result),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), null),
    );
    // More groups may go out before this one commits (async stores).
    this.schedule();
  }

  private settle(): void {
    if (!this.idle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function finish(jobs: Job[], err: Error | null, result: AppendResult | null): void {
  let offset = 0;
  for (const job of jobs) {
    try {
      job.done(err, result, offset);
    } catch (callbackError) {
      console.error("[switchyard] ingest commit callback failed:", callbackError);
    }
    offset += job.rows.length;
  }
}
