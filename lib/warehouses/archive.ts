import { isUtf8 } from "node:buffer";
import type Database from "better-sqlite3";
import type { ArchiveRow } from "./prepare";

// The archive as a warehouse sync reads it: accepted messages of some sources after a cursor, in
// seq order. Kept apart from store.ts so the preparing thread (prepare-thread.ts) loads only this.

/** Any connection with better-sqlite3's API (SQLite itself, or PostgreSQL's blocking connection). */
type Db = Pick<Database.Database, "prepare">;

const sourcesIn = (sources: number) =>
  `"sourceId" IN (${Array.from({ length: sources }, () => "?").join(", ")})`;

export const archiveSql = (sources: number) =>
  `SELECT "seq", "sourceId", "receivedAt", "payload", "protocol" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "status" = 'accepted'
    ORDER BY "seq" LIMIT ?`;

/**
 * Where the next batch of at most `limit` messages after a seq ends: how many there are and the
 * last one's seq. Reads no payload, so a preparing thread can tell where the batch after it starts
 * before it reads its own (batches.ts prepares consecutive batches on two threads).
 */
export const boundsSql = (sources: number) =>
  `SELECT COUNT(*) AS "count", MAX("seq") AS "last" FROM (SELECT "seq" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "status" = 'accepted' ORDER BY "seq" LIMIT ?) AS b`;

/** The accepted messages of some sources with after < seq <= upTo, in seq order. */
export const rangeSql = (sources: number) =>
  `SELECT "seq", "sourceId", "receivedAt", "payload", "protocol" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "seq" <= ? AND "status" = 'accepted'
    ORDER BY "seq"`;

/** A batch's extent: `count` messages, the last at seq `last` (0 when there are none). */
export interface Bounds {
  count: number;
  last: number;
}

export function archiveBounds(db: Db, sourceIds: string[], afterSeq: number, limit: number): Bounds {
  if (!sourceIds.length) return { count: 0, last: 0 };
  const r = db.prepare(boundsSql(sourceIds.length)).get(...sourceIds, afterSeq, limit) as {
    count: number | bigint;
    last: number | bigint | null;
  };
  return { count: Number(r.count), last: Number(r.last ?? 0) };
}

/** receivedAt may come back as a bigint; the rows are fresh objects, so they are fixed in place. */
function archiveRow(row: unknown): ArchiveRow {
  const r = row as ArchiveRow;
  if (typeof r.receivedAt !== "number") r.receivedAt = Number(r.receivedAt);
  return r;
}

/**
 * The messages of one batch whose bounds are known, one at a time (SQLite): a row is flattened and
 * dropped before the next is read, so a batch's payloads never pile up in memory (the garbage
 * collector's work grows with them).
 */
export function* iterateRange(
  db: Database.Database,
  sourceIds: string[],
  afterSeq: number,
  upTo: number,
): Generator<ArchiveRow> {
  if (!sourceIds.length) return;
  for (const row of db.prepare(rangeSql(sourceIds.length)).iterate(...sourceIds, afterSeq, upTo))
    yield archiveRow(row);
}

/** Messages per query of readChunks(). */
const CHUNK = 2_000;

/**
 * Up to `chunk` messages of a range in one row: their seqs, receive times, payload lengths in bytes
 * and sources (as places in the list) as comma-separated numbers, and their payloads, each followed
 * by a NUL, as one blob. All of them are built in one pass over the messages in seq order, so their
 * n-th items belong together.
 */
const chunkSql = (sources: number, chunk: number) =>
  `SELECT COUNT(*) AS "n", MAX("seq") AS "last", COUNT("protocol") AS "verdicts",
      CAST(group_concat("seq") AS BLOB) AS "seqs", CAST(group_concat("receivedAt") AS BLOB) AS "times",
      CAST(group_concat(octet_length("payload")) AS BLOB) AS "lengths",
      CAST(group_concat("k") AS BLOB) AS "sources",
      CAST(group_concat("payload" || char(0), '') AS BLOB) AS "payloads"
    FROM (SELECT "seq", "receivedAt", "payload", "protocol",
            CASE "sourceId" ${Array.from({ length: sources }, (_, i) => `WHEN ? THEN ${i}`).join(" ")} END AS "k"
          FROM "Message" WHERE ${sourcesIn(sources)} AND "seq" > ? AND "seq" <= ? AND "status" = 'accepted'
          ORDER BY "seq" LIMIT ${chunk}) AS "c"`;

interface Chunk {
  n: number;
  last: number | bigint | null;
  verdicts: number;
  seqs: Buffer | null;
  times: Buffer | null;
  lengths: Buffer | null;
  sources: Buffer | null;
  payloads: Buffer | null;
}

/** The Protocols verdicts of a chunk's messages (few messages have one), by seq. */
const verdictsSql = (sources: number) =>
  `SELECT "seq", "protocol" FROM "Message"
    WHERE ${sourcesIn(sources)} AND "seq" > ? AND "seq" <= ? AND "status" = 'accepted'
      AND "protocol" IS NOT NULL`;

/** A message read in a chunk: its payload stays bytes until something asks for its text. */
class ChunkedMessage implements ArchiveRow {
  protocol: string | null = null;
  private text: string | null = null;
  constructor(
    readonly seq: number,
    readonly sourceId: string,
    readonly receivedAt: number,
    public bytes: Buffer | null,
    readonly from: number,
    readonly to: number,
  ) {}
  get payload(): string {
    this.text ??= this.bytes!.toString("utf8", this.from, this.to);
    return this.text;
  }
  set payload(text: string) {
    this.text = text;
    this.bytes = null;
  }
}

/**
 * `list`'s comma-separated numbers (non-negative integers of at most 15 digits) into `out`: false
 * unless it holds exactly n of them and nothing else.
 */
function numbers(list: Buffer | null, out: Float64Array, n: number): boolean {
  if (!list) return false;
  let k = 0;
  let v = 0;
  let digits = 0;
  for (let i = 0; i <= list.length; i++) {
    const c = i < list.length ? list[i]! : 44;
    if (c === 44) {
      if (!digits || k === n) return false;
      out[k++] = v;
      v = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 15) {
      v = v * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return k === n;
}

/**
 * The messages of one batch whose bounds are known, as iterateRange() gives them, read `chunk` at
 * a time: one query and one blob per chunk instead of a row object and a string per message (the
 * reads take about half the CPU, a batch's preparing ~5% less). The few messages with a Protocols
 * verdict get it from a second query. A chunk with anything unexpected (bytes that are not UTF-8,
 * lists that do not add up) is read again message by message.
 */
export function* readChunks(
  db: Database.Database,
  sourceIds: string[],
  afterSeq: number,
  upTo: number,
  chunk = CHUNK,
): Generator<ArchiveRow> {
  if (!sourceIds.length) return;
  const query = db.prepare(chunkSql(sourceIds.length, chunk));
  const verdictQuery = db.prepare(verdictsSql(sourceIds.length));
  const verdicts = new Map<number, string>();
  const seqs = new Float64Array(chunk);
  const times = new Float64Array(chunk);
  const lengths = new Float64Array(chunk);
  const sources = new Float64Array(chunk);
  let after = afterSeq;
  while (after < upTo) {
    const c = query.get(...sourceIds, ...sourceIds, after, upTo) as Chunk;
    const n = Number(c.n);
    if (!n) return;
    const last = Number(c.last);
    const payloads = c.payloads;
    const whole =
      payloads !== null &&
      numbers(c.seqs, seqs, n) &&
      numbers(c.times, times, n) &&
      numbers(c.lengths, lengths, n) &&
      numbers(c.sources, sources, n) &&
      agrees(payloads, lengths, seqs, sources, n, sourceIds.length, last);
    if (!whole) yield* iterateRange(db, sourceIds, after, last);
    else {
      verdicts.clear();
      if (Number(c.verdicts))
        for (const v of verdictQuery.iterate(...sourceIds, after, last) as Iterable<{
          seq: number | bigint;
          protocol: string;
        }>)
          verdicts.set(Number(v.seq), v.protocol);
      for (let i = 0, at = 0; i < n; i++) {
        const to = at + lengths[i]!;
        const m = new ChunkedMessage(seqs[i]!, sourceIds[sources[i]!]!, times[i]!, payloads, at, to);
        if (verdicts.size) m.protocol = verdicts.get(m.seq) ?? null;
        yield m;
        at = to + 1;
      }
    }
    after = last;
  }
}

/** Whether a chunk's lists agree: ascending seqs ending at `last`, payloads that fill the blob. */
function agrees(
  payloads: Buffer,
  lengths: Float64Array,
  seqs: Float64Array,
  sources: Float64Array,
  n: number,
  sourceCount: number,
  last: number,
): boolean {
  if (seqs[n - 1] !== last || !isUtf8(payloads)) return false;
  let at = 0;
  for (let i = 0; i < n; i++) {
    if ((i && seqs[i]! <= seqs[i - 1]!) || sources[i]! >= sourceCount) return false;
    at += lengths[i]!;
    if (at >= payloads.length || payloads[at] !== 0) return false;
    at++;
  }
  return at === payloads.length;
}

/** The rows of one of the queries above (its parameters after the source ids). */
function readRows(db: Db, sql: (sources: number) => string, sourceIds: string[], a: number, b: number) {
  if (!sourceIds.length) return [];
  return db
    .prepare(sql(sourceIds.length))
    .all(...sourceIds, a, b)
    .map(archiveRow);
}

/** The messages with after < seq <= upTo. */
export const readRange = (db: Db, sourceIds: string[], afterSeq: number, upTo: number) =>
  readRows(db, rangeSql, sourceIds, afterSeq, upTo);

/** At most `limit` messages after a seq. */
export const readArchive = (db: Db, sourceIds: string[], afterSeq: number, limit: number) =>
  readRows(db, archiveSql, sourceIds, afterSeq, limit);
