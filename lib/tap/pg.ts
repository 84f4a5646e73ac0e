import pg from "pg";
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

  const handle = async (note: Note) => {
    opts.onCommit?.();
    if (!interested(note.s)) return;
    const rows = await opts.store.range(note.a, note.b);
    const events: TapEvent[] = [];
    for (const row of rows)
      if (tap.hasSubscribers(row.sourceId, row.workspaceId)) events.push(rowToTapEvent(row));
    if (events.length) tap.publish(events);
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.url, application_name: "switchyard-tap" });
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
      // One at a time, in arrival (= commit) order.
      chain = chain
        .then(() => handle(note))
        .catch((err) => console.error("[switchyard] tap read failed:", err));
    });
    c.on("error", (err) => {
      console.error("[switchyard] tap connection lost, reconnecting:", err.message);
      client = null;
      c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${TAP_CHANNEL}`);
    if (opts.onJobs) await c.query(`LISTEN ${JOBS_CHANNEL}`);
    client = c;
  };

  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await chain;
      await client?.end().catch(() => {});
    },
  };
}
