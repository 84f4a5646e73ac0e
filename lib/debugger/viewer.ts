import { type DebuggerFilter, eventJson, matches } from "@/lib/debugger/filter";
import type { TapEvent } from "@/lib/tap";

// One connected debugger viewer. Tap listeners must be cheap (they run on ingest's event loop
// right after a commit), so a listener only filters and enqueues; a timer flushes frames.
// The queue is bounded and the shown rate is capped: a slow browser or a flood of events turns
// into sampling, announced to the viewer as "arrived vs shown", never into back-pressure on ingest.

export interface ViewerOptions {
  /** Sustained events shown per second (a person cannot read more)... */
  maxPerSecond: number;
  /** ...after a burst of up to this many (a burst that fits the 500-row view is shown whole). */
  burst: number;
  /** Most events waiting to be written; beyond it the oldest are counted and dropped. */
  maxQueued: number;
  flushEveryMs: number;
  heartbeatEveryMs: number;
}

export const DEFAULT_VIEWER_OPTIONS: ViewerOptions = {
  maxPerSecond: 200,
  burst: 1000,
  maxQueued: 1000,
  flushEveryMs: 25,
  heartbeatEveryMs: 15_000,
};

export function sseFrame(e: TapEvent): string {
  return `id: ${e.seq}\ndata: ${eventJson(e)}\n\n`;
}

export class Viewer {
  private queue: TapEvent[] = [];
  private arrived = 0;
  private shown = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private sampling = false;
  private timers: NodeJS.Timeout[] = [];
  /** Events at or below this seq were already sent (backlog); live copies are skipped. */
  private highWater = 0;
  private closed = false;

  constructor(
    private readonly filter: DebuggerFilter,
    private readonly write: (chunk: string) => boolean,
    private readonly opts: ViewerOptions = DEFAULT_VIEWER_OPTIONS,
  ) {
    this.tokens = opts.burst;
  }

  /** The tap listener. */
  readonly onEvent = (e: TapEvent) => {
    if (this.closed || e.seq <= this.highWater || !matches(this.filter, e)) return;
    this.arrived++;
    this.queue.push(e);
    if (this.queue.length > this.opts.maxQueued) {
      // Keep the newest: the view shows the latest events, so the oldest waiting ones go first.
      this.queue.splice(0, this.queue.length - this.opts.maxQueued / 2);
      this.sampling = true;
    }
  };

  /** Sends archive rows (oldest first) and remembers the newest seq so live duplicates are skipped. */
  sendBacklog(rows: TapEvent[]) {
    for (const row of rows) {
      this.write(sseFrame(row));
      if (row.seq > this.highWater) this.highWater = row.seq;
    }
    this.write(`event: ready\ndata: ${JSON.stringify({ backlog: rows.length })}\n\n`);
  }

  start() {
    this.timers.push(setInterval(() => this.flush(), this.opts.flushEveryMs));
    this.timers.push(setInterval(() => this.write(": ping\n\n"), this.opts.heartbeatEveryMs));
    for (const t of this.timers) t.unref?.();
  }

  flush() {
    if (this.closed) return;
    const now = Date.now();
    this.tokens = Math.min(
      this.opts.burst,
      this.tokens + ((now - this.refilledAt) / 1000) * this.opts.maxPerSecond,
    );
    this.refilledAt = now;
    const fresh = this.queue.filter((e) => e.seq > this.highWater);
    this.queue.length = 0;
    // Over the readable rate: show the newest that the budget allows, count the rest as sampled out.
    const allowed = Math.floor(this.tokens);
    const shown = fresh.length > allowed ? fresh.slice(fresh.length - allowed) : fresh;
    if (shown.length < fresh.length) this.sampling = true;
    this.tokens -= shown.length;
    let out = "";
    for (const e of shown) {
      this.shown++;
      this.highWater = e.seq;
      out += sseFrame(e);
    }
    if (this.sampling) {
      out += `event: sample\ndata: ${JSON.stringify({ arrived: this.arrived, shown: this.shown })}\n\n`;
      this.sampling = false;
    }
    if (out && !this.write(out)) {
      // The socket is full: spend the budget so the next flushes sample until it drains.
      this.tokens = 0;
    }
  }

  close() {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.queue.length = 0;
  }
}
