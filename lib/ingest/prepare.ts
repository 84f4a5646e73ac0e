import { archiveRejected, enrichAccepted, type RequestContext } from "@/lib/ingest/enrich";
import { formatKb, MAX_MESSAGE_BYTES } from "@/lib/ingest/limits";
import { inspectValue } from "@/lib/ingest/shape";
import type { ArchivedMessage } from "@/lib/ingest/store";
import { validateMessage } from "@/lib/ingest/validate";
import type { MessagePrivacy } from "@/lib/privacy/ingest";

// Turns the messages of one request into archive rows: validate, enrich, serialise once.
// Invalid messages become "rejected" rows rather than disappearing.

export interface Rejection {
  index: number;
  reason: string;
}

export interface PreparedRequest {
  rows: ArchivedMessage[];
  /**
   * The stored objects, parallel to rows (what the tap publishes). The pipeline drops them
   * (null) when nobody listens on the tap, so they need not outlive the commit.
   */
  messages: Record<string, unknown>[] | null;
  rejected: Rejection[];
  /** Accepted messages of suppressed users: answered as accepted, never stored (lib/privacy). */
  suppressed: number;
  /** Rejected messages of suppressed users: answered as rejected (listed in `rejected`), never stored. */
  suppressedRejected: number;
}

const idOf = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null;

function byteLength(text: string): number {
  // UTF-8 needs at most 3 bytes per UTF-16 unit: short strings cannot be over the limit.
  return text.length * 3 <= MAX_MESSAGE_BYTES ? text.length : Buffer.byteLength(text);
}

export function prepareMessages(
  items: unknown[],
  ctx: RequestContext,
  privacy?: MessagePrivacy,
): PreparedRequest {
  const rows: ArchivedMessage[] = new Array(items.length);
  const messages: Record<string, unknown>[] = new Array(items.length);
  const rejected: Rejection[] = [];
  let suppressed = 0;
  let suppressedRejected = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    // What the message holds first (depth, numbers, strings), then what the spec asks of it.
    let reason =
      inspectValue(item, { strings: ctx.escapes ?? true }) ?? validateMessage(item, ctx.endpointType);
    if (reason === null) {
      const msg = item as Record<string, unknown>;
      // Privacy, after validation and before the archive: a suppressed user's message is dropped
      // (answered as accepted, never stored); workspace-blocked Red fields are deleted before the
      // payload is serialised.
      if (privacy?.suppressed(idOf(msg.userId))) {
        suppressed++;
        continue;
      }
      const row = privacy
        ? enrichAccepted(msg, ctx, (m) => privacy.inspect(m, ctx.sourceId, ctx.receivedAt))
        : enrichAccepted(msg, ctx);
      // Single calls were bounded by their body size already; batch items are measured as
      // archived (with the few fields the server adds and the batch context merged in).
      const size = ctx.endpointType === null ? byteLength(row.payload) : 0;
      if (size <= MAX_MESSAGE_BYTES) {
        rows[index] = row;
        messages[index] = msg;
        continue;
      }
      reason = `message is ${size} bytes; the limit is ${formatKb(MAX_MESSAGE_BYTES)} (${MAX_MESSAGE_BYTES} bytes) per message`;
    }
    const { row, message } = archiveRejected(item, ctx, reason);
    rejected.push({ index, reason });
    if (privacy) {
      // A suppressed user's invalid message is not stored either; blocked fields never are.
      if (privacy.suppressed(idOf(message.userId))) {
        suppressedRejected++;
        continue;
      }
      if (privacy.block(message)) row.payload = JSON.stringify(message);
    }
    rows[index] = row;
    messages[index] = message;
  }
  if (suppressed + suppressedRejected === 0)
    return { rows, messages, rejected, suppressed, suppressedRejected };
  // Suppressed messages left holes: the arrays stay parallel to each other, not to the items.
  const kept = rows.flatMap((row, i) => (row ? [i] : []));
  return {
    rows: kept.map((i) => rows[i]!),
    messages: kept.map((i) => messages[i]!),
    rejected,
    suppressed,
    suppressedRejected,
  };
}
