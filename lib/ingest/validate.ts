import { MAX_MESSAGE_ID_LENGTH } from "@/lib/ingest/limits";
import { isTimestamp } from "@/lib/ingest/timestamps";

// Per-message validation of the Segment spec, hand-written rather than zod: it runs for every
// message on the hot path and only needs to name the first problem. `null` counts as absent
// for optional fields (analytics-node sends `name: null` on page calls without a name).

export const MESSAGE_TYPES = ["identify", "track", "page", "screen", "group", "alias"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

const TYPE_SET: ReadonlySet<string> = new Set(MESSAGE_TYPES);
const OBJECT_FIELDS = ["properties", "traits", "context", "integrations"] as const;
const TIME_FIELDS = ["timestamp", "sentAt", "originalTimestamp"] as const;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const present = (v: unknown) => v !== undefined && v !== null;
const isId = (v: unknown) =>
  (typeof v === "string" && v !== "") || (typeof v === "number" && Number.isFinite(v));

/** Segment's lenient ISO-8601 (lib/ingest/timestamps.ts). */
export const isIsoTimestamp = isTimestamp;

export function isMessageType(v: unknown): v is MessageType {
  return typeof v === "string" && TYPE_SET.has(v);
}

function checkId(msg: Record<string, unknown>, field: string): string | null {
  const v = msg[field];
  if (!present(v) || v === "") return null;
  return isId(v) ? null : `${field} must be a string`;
}

/**
 * Returns why the message is invalid, or null. `endpointType` is the type implied by a
 * single-message endpoint (/v1/track...); batch items (null) must carry their own `type`.
 */
export function validateMessage(msg: unknown, endpointType: MessageType | null): string | null {
  if (!isPlainObject(msg)) return "message must be a JSON object";
  let type = endpointType;
  if (type === null) {
    const t = msg.type;
    if (!present(t)) return `type is required (one of ${MESSAGE_TYPES.join(", ")})`;
    if (!isMessageType(t)) {
      return typeof t === "string"
        ? `unknown type "${t.slice(0, 40)}" (expected one of ${MESSAGE_TYPES.join(", ")})`
        : "type must be a string";
    }
    type = t;
  }

  const idProblem = checkId(msg, "userId") ?? checkId(msg, "anonymousId");
  if (idProblem) return idProblem;
  if (!isId(msg.userId) && !isId(msg.anonymousId)) {
    return "missing userId and anonymousId: every message needs at least one of them";
  }

  const messageId = msg.messageId;
  if (present(messageId)) {
    if (typeof messageId !== "string" || messageId === "") return "messageId must be a non-empty string";
    if (messageId.length > MAX_MESSAGE_ID_LENGTH) {
      return `messageId is ${messageId.length} characters long; the limit is ${MAX_MESSAGE_ID_LENGTH}`;
    }
  }

  for (const field of OBJECT_FIELDS) {
    if (present(msg[field]) && !isPlainObject(msg[field])) return `${field} must be a JSON object`;
  }
  for (const field of TIME_FIELDS) {
    if (present(msg[field]) && !isIsoTimestamp(msg[field])) {
      return `${field} must be an ISO-8601 date-time string such as 2024-05-01T12:00:00.000Z`;
    }
  }

  switch (type) {
    case "track":
      if (!present(msg.event) || msg.event === "") return "track messages need an event name (event)";
      if (typeof msg.event !== "string") return "event must be a string";
      return null;
    case "group":
      if (!present(msg.groupId) || msg.groupId === "") return "group messages need a groupId";
      return isId(msg.groupId) ? null : "groupId must be a string";
    case "alias":
      if (!present(msg.previousId) || msg.previousId === "") return "alias messages need a previousId";
      return isId(msg.previousId) ? null : "previousId must be a string";
    case "page":
    case "screen":
      if (present(msg.name) && typeof msg.name !== "string") return "name must be a string";
      if (present(msg.category) && typeof msg.category !== "string") return "category must be a string";
      return null;
    default:
      return null;
  }
}
