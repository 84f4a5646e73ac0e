import type { TapEvent, TapStatus } from "@/lib/tap";

// The archive behind the tracking API: every accepted or rejected message, in arrival order.
// Kept behind this interface so a PostgreSQL implementation can replace the SQLite one.

export type ArchiveStatus = TapStatus;

/** One message ready to be archived: columns extracted, payload serialised exactly once. */
export interface ArchivedMessage {
  workspaceId: string;
  sourceId: string;
  messageId: string | null;
  type: string | null;
  /** The track event name (null for other types). */
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  status: ArchiveStatus;
  reason: string | null;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** The stored JSON document. */
  payload: string;
  /**
   * Check messageId against the 24-hour dedup window. False for rejected messages and for
   * messageIds the server generated itself (nobody else can know them).
   */
  dedup: boolean;
  /** Protocols verdict (Message.protocol JSON): violations, blocked by, omitted; null if none. */
  protocol?: string | null;
  /** What the Source Schema learns from it (lib/protocols/observe.ts); not stored as a column. */
  observation?: string | null;
}

export interface AppendResult {
  /** Per input message, same order: its archive seq, or null when it was a duplicate (not stored). */
  seqs: (number | null)[];
  stored: number;
  duplicates: number;
}

export interface ArchivedRow {
  seq: number;
  workspaceId: string;
  sourceId: string;
  messageId: string | null;
  type: string | null;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  status: ArchiveStatus;
  reason: string | null;
  receivedAt: number;
  /** The stored JSON document, unparsed (send it on as is, or JSON.parse it). */
  payload: string;
  /** Message.protocol: the Protocols verdict JSON, or null. */
  protocol?: string | null;
}

export interface RecentFilter {
  /** Message types to include, e.g. ["track", "page"]. */
  types?: string[];
  /** Exact track event name. */
  event?: string;
  /** Matches userId or anonymousId exactly. */
  user?: string;
  /** Substring anywhere in the stored JSON (case-insensitive for ASCII). */
  text?: string;
  rejectedOnly?: boolean;
  /** Page backwards: only rows with seq < beforeSeq. */
  beforeSeq?: number;
  /** Catch up: only rows with seq > afterSeq (e.g. SSE Last-Event-ID). */
  afterSeq?: number;
  /** 1..1000. */
  limit: number;
}

export interface ArchiveStore {
  /**
   * Durable when the promise resolves. Deduplicates messageIds per workspace over 24 hours
   * (prune keeps a row holding a key younger than that, whatever the retention).
   */
  append(batch: ArchivedMessage[]): Promise<AppendResult>;
  /**
   * Newest first; the filter runs in SQL, so this is the last `limit` *matching* rows.
   * Synchronous on SQLite, a promise on PostgreSQL: callers await it.
   */
  recent(sourceId: string, filter: RecentFilter): ArchivedRow[] | Promise<ArchivedRow[]>;
  /**
   * Deletes archived messages received before `olderThanMs` (an epoch-ms instant, not an age),
   * in chunks, at most `maxRows` of them. Returns how many were deleted.
   */
  prune(olderThanMs: number, maxRows?: number): number | Promise<number>;
}

export const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** An archived row in the shape the tap publishes, e.g. to replay history before going live. */
export function rowToTapEvent(row: ArchivedRow): TapEvent {
  const event: TapEvent = {
    seq: row.seq,
    sourceId: row.sourceId,
    workspaceId: row.workspaceId,
    status: row.status,
    receivedAt: row.receivedAt,
    message: JSON.parse(row.payload) as Record<string, unknown>,
  };
  if (row.reason) event.reason = row.reason;
  if (row.protocol) event.protocol = JSON.parse(row.protocol) as TapEvent["protocol"];
  return event;
}
