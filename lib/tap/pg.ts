import pg from "pg";
import { blockingTimeoutMs } from "@/lib/db/pg";
import type { PgArchiveStore } from "@/lib/ingest/pg-store";
import { rowToTapEvent } from "@/lib/ingest/store";
import type { Tap, TapEvent } from "@/lib/tap";

// The tap across instances (PostgreSQL). Every group commit sends, inside its own transaction,
// one NOTIFY on channel "switchyard_tap" naming the seq range it stored (PostgreSQL delivers it
// at commit, to every listening instance, in commit order). Each instance LISTENs on one
// dedicated connection and, for a range whose sources have subscribers here, reads those rows
// from Message and publishes them to its in-process tap. Payloads never travel in the
// notification (PostgreSQL caps it at 8000 bytes): it says what to read, the table has the rows.
//
// Local ingests do not publish directly in this mode: every event, own or remote, comes
// through the notification queue, so subscribers see one order (commit order = seq order,
// lib/ingest/pg-store.ts) whichever instance took the request.

export const TAP_CHANNEL = "switchyard_tap";
/**
 * The router's note that it left new jobs in the queue for other processes to claim (it hands
 * fresh jobs to its own workers only while they have room): the destination ids, comma-separated,
 * or "" for all. Without it another process would find them at its next idle claim (up to 1 s).
 */
export const JOBS_CHANNEL = "switchyard_jobs";

/** The jobs notification's payload for these destinations (all of them when the list is too long). */
export function jobsNotification(destinationIds: Iterable<string>): string {
  const text = [...destinationIds].join(",");
  return text.length <= MAX_PAYLOAD ? text : "";
}
const MAX_PAYLOAD = 7000;

/**
 * The notification for one group commit: its seq range, plus its "workspaceId sourceId" pairs
 * when they fit (a listener with no subscriber for any of them skips the read).
 */
export function tapNotification(first: number, last: number, sources: Set<string>): string {
  const full = JSON.stringify({ a: first, b: last, s: [...sources] });
  return full.length <= MAX_PAYLOAD ? full : JSON.stringify({ a: first, b: last });
}

const RECONNECT_MS = 1000;
const HEARTBEAT_MS = 15_000;
/** A reconnected bridge publishes at most this many of the seqs it missed (the debugger shows 500). */
const CATCH_UP_ROWS = 5000;

interface Note {
  a: number;
  b: number;
  s?: string[];
}

export interface PgTapBridge {
  /** Stops listening. */
  stop(): Promise<void>;
  /** Resolves when the LISTEN is active. */
  ready: Promise<void>;
}

/** A tap whose publish does nothing: ingest's direct publishing is replaced by the bridge. */
export function subscribeOnly(tap: Tap): Tap {
  return { ...tap, publish: () => {}, hasSubscribers: () => false };
}

export function startPgTapBridge(opts: {
  url: string;
  store: PgArchiveStore;
  tap: Tap;
  /** Called for every commit announced (e.g. to wake the router before its next poll). */
  onCommit?: () => void;
  /** Called when the router left jobs in the queue (destination ids; null: any destination). */
  onJobs?: (destinationIds: string[] | null) => void;
  /** How often the LISTEN connection is checked (default 15 s). */
  heartbeatMs?: number;
}): PgTapBridge {
  const { tap } = opts;
  const interested = (pairs: string[] | undefined) =>
    pairs === undefined ||
    pairs.some((p) => {
      const [ws = "", src = ""] = p.split(" ");
      return tap.hasSubscribers(src, ws);
    });
  let stopped = false;
  let client: pg.Client | null = null;
  let chain = Promise.resolve();
  let retry: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  // The last seq this bridge has accounted for (published, or skipped for want of subscribers).
  // Commit order is seq order (lib/ingest/pg-store.ts), so after a reconnection everything above
  // it is what was missed; null until the first LISTEN is active.
  let seen: number | null = null;
  const log = (err: unknown) => console.error("[switchyard] tap read failed:", err);

  const publish = async (first: number, last: number) => {
    const rows = await opts.store.range(first, last);
    const events: TapEvent[] = [];
    for (const row of rows)
      if (tap.hasSubscribers(row.sourceId, row.workspaceId)) events.push(rowToTapEvent(row));
    if (events.length) tap.publish(events);
  };

  const handle = async (note: Note) => {
    opts.onCommit?.();
    const first = seen === null ? note.a : Math.max(note.a, seen + 1);
    if (seen === null || note.b > seen) seen = note.b;
    if (first > note.b || !interested(note.s)) return;
    await publish(first, note.b);
  };

  /** After a reconnection: what committed while nobody listened (the latest CATCH_UP_ROWS of it). */
  const catchUp = async () => {
    const last = await opts.store.lastSeq();
    if (seen !== null && last > seen) {
      opts.onCommit?.();
      await publish(Math.max(seen + 1, last - CATCH_UP_ROWS + 1), last);
    }
    if (seen === null || last > seen) seen = last;
  };

  /** Once per connection: drop it and connect again in a second (unless stopped). */
  const lost = (c: pg.Client, err: Error) => {
    if (client === c) {
      console.error("[switchyard] tap connection lost, reconnecting:", err.message);
      client = null;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
    }
    c.end().catch(() => {});
    if (!stopped && !retry)
      retry = setTimeout(() => {
        retry = null;
        void connect().catch(() => {});
      }, RECONNECT_MS);
  };

  const connect = async (): Promise<void> => {
    const timeoutMs = blockingTimeoutMs();
    const c = new pg.Client({
      connectionString: opts.url,
      application_name: "switchyard-tap",
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    c.on("notification", (msg) => {
      if (msg.channel === JOBS_CHANNEL) {
        opts.onJobs?.(msg.payload ? msg.payload.split(",") : null);
        return;
      }
      if (msg.channel !== TAP_CHANNEL || !msg.payload) return;
      let note: Note;
      try {
        note = JSON.parse(msg.payload) as Note;
      } catch {
        return;
      }
      // One at a time, in arrival (= commit) order, after the catch-up queued below.
      chain = chain.then(() => handle(note)).catch(log);
    });
    let gone = false;
    const fail = (err: Error) => {
      if (gone) return;
      gone = true;
      lost(c, err);
    };
    c.on("error", fail);
    c.on("end", () => fail(new Error("connection closed")));
    // The catch-up goes first in the chain: a notification that arrives with the LISTEN's answer
    // is handled after it.
    let listening: (ok: boolean) => void = () => {};
    const listened = new Promise<boolean>((resolve) => (listening = resolve));
    chain = chain
      .then(async () => {
        if (await listened) await catchUp();
      })
      .catch(log);
    try {
      await c.connect();
      await c.query(`LISTEN ${TAP_CHANNEL}`);
      if (opts.onJobs) await c.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (err) {
      listening(false);
      fail(err as Error);
      throw err;
    }
    listening(true);
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    // A path that stops answering closes nothing: a statement now and then finds out (it fails
    // after PG_BLOCKING_TIMEOUT_MS) and the bridge connects again.
    heartbeat = setInterval(() => {
      if (client === c) c.query("SELECT 1").catch(fail);
    }, opts.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
  };

  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (heartbeat) clearInterval(heartbeat);
      const c = client;
      client = null;
      await chain;
      await c?.end().catch(() => {});
    },
  };
}
