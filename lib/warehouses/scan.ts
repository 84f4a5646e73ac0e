import { KIND, stringKind } from "./columns";
import {
  type ArchivedMessage,
  COMMON_FIXED,
  isCall,
  receivedIso,
  SCOPES,
  type Scope,
  USERS_FIXED,
} from "./flatten";
import {
  b,
  DECIMAL,
  ESCAPED,
  F,
  FALSE,
  fieldEnd,
  fieldHow,
  fieldStart,
  fieldString,
  INT,
  leafEnd,
  leafEntry,
  leafHow,
  leafStart,
  NULL,
  NUMBER,
  OBJECT,
  PLAIN,
  scanBytes,
  scanPayload,
  sectionFrom,
  sectionTo,
  TRUE,
  text,
} from "./json-scan";
import { CALL_TABLES, eventTable } from "./naming";
import type { BatchBuilder, TableBuilder } from "./plan";
import type { RowTable } from "./rows";
import { isIsoTimestampBytes } from "./types";

// The loader's fast way from an archived message to its rows: its payload is scanned where it lies
// (json-scan.ts), and each value's bytes go straight into the row's COPY text (rows.ts, columns.ts),
// with no object built for the message and no string for most values. (UTF-8 is what COPY takes,
// and JSON text without escapes needs no COPY escaping: it holds no raw control character and no
// backslash.) It writes exactly the rows writeMessage() (flatten.ts) writes, in the same order: the
// same names (through the same cache), the same types, the same conflicts. A message it cannot be
// sure of (a key written with escapes, a key repeated in one object, an array-index key, which
// JavaScript orders first, more keys than the flattening takes, nesting deeper than 64, a lone
// UTF-16 surrogate, which UTF-8 cannot carry, anything that is not valid JSON) is left to
// writeMessage() before anything is written. lib/warehouses/scan.test.ts checks both ways give the
// same bytes on messages built to hit every one of these cases.

/** A table's row being written: a call table's (rows.ts) or users'/accounts' (plan.ts). */
type Writer = RowTable | TableBuilder;

/** The kind of a string without escapes. */
const plainKind = (from: number, to: number): number =>
  isIsoTimestampBytes(b, from, to) ? KIND.timestamp : KIND.text;

function setText(t: Writer, col: string, s: string) {
  t.setString(col, s, stringKind(s));
}

/** Writes a field's str() value, if it has one, into column `col` of the row being written. */
function writeField(t: Writer, col: string, f: number) {
  const h = fieldHow[f];
  if (h === PLAIN) t.setBytes(col, b, fieldStart[f]!, fieldEnd[f]!, plainKind(fieldStart[f]!, fieldEnd[f]!));
  else if (h === ESCAPED || h === NUMBER) setText(t, col, fieldString(f)!);
}

function writeLeaf(t: Writer, col: string, i: number) {
  const from = leafStart[i]!;
  const to = leafEnd[i]!;
  switch (leafHow[i]) {
    case PLAIN:
      t.setBytes(col, b, from, to, plainKind(from, to));
      break;
    case ESCAPED:
      setText(t, col, JSON.parse(text(from, to)) as string);
      break;
    case INT:
      t.setBytes(col, b, from, to, KIND.int);
      break;
    case DECIMAL:
      t.setBytes(col, b, from, to, KIND.double);
      break;
    case NUMBER:
      t.set(col, Number(text(from, to)));
      break;
    case TRUE:
      t.set(col, true);
      break;
    case FALSE:
      t.set(col, false);
      break;
    default:
      setText(t, col, JSON.stringify(JSON.parse(text(from, to))));
  }
}

/** Writes a section's leaves (flattenInto of flatten.ts), named in `scope`. */
function writeSection(t: Writer, f: number, scope: Scope) {
  if (fieldHow[f] !== OBJECT) return;
  for (let i = sectionFrom[f]!; i < sectionTo[f]!; i++) writeLeaf(t, leafEntry[i]!.leaf(scope), i);
}

let receivedAt = "";
let loadedAtNow = "";

/** A call table's row with the common columns (callRow of flatten.ts); null when not wanted. */
function callRow(sink: BatchBuilder, table: string, id: string): RowTable | null {
  const t = sink.row(table, "insert", COMMON_FIXED, id) as RowTable | null;
  if (!t) return null;
  t.set("id", id);
  t.set("received_at", receivedAt);
  t.set("uuid_ts", loadedAtNow);
  writeField(t, "sent_at", F.sentAt);
  writeField(t, "timestamp", F.timestamp);
  writeField(t, "original_timestamp", F.originalTimestamp);
  writeField(t, "user_id", F.userId);
  writeField(t, "anonymous_id", F.anonymousId);
  writeSection(t, F.context, SCOPES.context);
  return t;
}

function upsertRow(sink: BatchBuilder, table: string, key: string) {
  const t = sink.row(table, "upsert", USERS_FIXED, key) as TableBuilder | null;
  if (!t) return;
  t.set("id", key);
  t.set("received_at", receivedAt);
  t.set("uuid_ts", loadedAtNow);
  writeSection(t, F.traits, SCOPES.upsert);
}

/**
 * Writes the rows of one message as writeMessage() does: true or false as it would answer, or
 * null (nothing written) when the message is left to it.
 */
/** Messages scanned here, and left to writeMessage() (tests check both ways are taken). */
export const scanStats = { fast: 0, left: 0 };

export function scanMessageInto(sink: BatchBuilder, msg: ArchivedMessage, loadedAt: string): boolean | null {
  if (!(msg.bytes ? scanBytes(msg.bytes, msg.from!, msg.to!) : scanPayload(msg.payload))) {
    scanStats.left++;
    return null;
  }
  scanStats.fast++;
  const id = fieldString(F.messageId);
  if (!id) return false;
  const type = fieldHow[F.type] === PLAIN ? fieldString(F.type) : null;
  if (type === null && fieldHow[F.type] !== 0 && fieldHow[F.type] !== NULL && fieldHow[F.type] !== OBJECT)
    return null; // a type written with escapes: left to writeMessage()
  const event = type === "track" ? fieldString(F.event) : null;
  if (!isCall(type, event)) return false;
  receivedAt = receivedIso(msg.receivedAt);
  loadedAtNow = loadedAt;
  switch (type) {
    case "track": {
      const e = event as string;
      const table = eventTable(e);
      const tracks = callRow(sink, "tracks", id);
      tracks?.set("event", table ?? "");
      tracks?.set("event_text", e);
      if (table && !CALL_TABLES.has(table)) {
        const row = callRow(sink, table, id);
        if (row) {
          row.set("event", table);
          row.set("event_text", e);
          writeSection(row, F.properties, SCOPES.event);
        }
      }
      break;
    }
    case "page":
    case "screen": {
      const row = callRow(sink, type === "page" ? "pages" : "screens", id);
      if (!row) break;
      writeField(row, "name", F.name);
      writeField(row, "category", F.category);
      writeSection(row, F.properties, SCOPES.page);
      break;
    }
    case "identify": {
      const row = callRow(sink, "identifies", id);
      if (row) writeSection(row, F.traits, SCOPES.identify);
      const userId = fieldString(F.userId);
      if (userId) upsertRow(sink, "users", userId);
      break;
    }
    case "group": {
      const groupId = fieldString(F.groupId);
      const row = callRow(sink, "groups", id);
      if (row) {
        writeField(row, "group_id", F.groupId);
        writeSection(row, F.traits, SCOPES.group);
      }
      if (groupId) upsertRow(sink, "accounts", groupId);
      break;
    }
    default: {
      const row = callRow(sink, "aliases", id);
      if (row) writeField(row, "previous_id", F.previousId);
    }
  }
  return true;
}
