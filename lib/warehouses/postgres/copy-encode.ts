import type { TableLoad } from "@/lib/warehouses/plan";

// A table load's rows in COPY text format (tab between values, newline after each row, \N for
// NULL). Each column already holds its values as escaped UTF-8 bytes (lib/warehouses/columns.ts:
// backslash escapes; PostgreSQL text cannot hold NUL, so NUL characters are dropped), so a row is
// its columns' spans copied one after the other into Buffers of about 1 MB.

const CHUNK = 1 << 20;
const TAB = 9;
const NEWLINE = 10;
/** Spans longer than this are copied by Buffer.copy; shorter ones byte by byte (no call). */
const COPY_CALL = 64;

/** The plan's rows in COPY text format, in Buffers of about 1 MB. */
export function encodeCopy(plan: Pick<TableLoad, "count" | "values">): Buffer[] {
  const done: Buffer[] = [];
  const cols = plan.values;
  const last = cols.length - 1;
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  for (let i = 0; i < plan.count; i++) {
    // The row's size: its values, a separator each, \N for each NULL.
    let size = 0;
    for (let c = 0; c <= last; c++) {
      const col = cols[c]!;
      size += i < col.kind.length && col.kind[i] !== 0 ? col.end[i]! - col.start[i]! + 1 : 3;
    }
    if (at + size > buf.length) {
      if (at) done.push(buf.subarray(0, at));
      buf = Buffer.allocUnsafe(Math.max(CHUNK, size));
      at = 0;
    }
    for (let c = 0; c <= last; c++) {
      const col = cols[c]!;
      if (i < col.kind.length && col.kind[i] !== 0) {
        const from = col.start[i]!;
        const to = col.end[i]!;
        const src = col.bytes;
        if (to - from > COPY_CALL) at += src.copy(buf, at, from, to);
        else for (let k = from; k < to; k++) buf[at++] = src[k]!;
      } else {
        buf[at++] = 92; // \N
        buf[at++] = 78;
      }
      buf[at++] = c === last ? NEWLINE : TAB;
    }
  }
  if (at) done.push(buf.subarray(0, at));
  return done;
}
