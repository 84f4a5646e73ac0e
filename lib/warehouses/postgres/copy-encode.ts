import type { Value } from "@/lib/warehouses/flatten";
import type { TableLoad } from "@/lib/warehouses/plan";

// A table load's rows in COPY text format (tab between values, newline after each row, \N for
// NULL, backslash escapes; PostgreSQL text cannot hold NUL, so NUL characters are dropped),
// written straight into Buffers: the rows are never built as strings, joined and encoded again.
// Most values are short ASCII strings, copied a character at a time while looking for the five
// characters that need escaping; a value with other characters is escaped as a string and
// encoded by Buffer.write.

const CHUNK = 1 << 20;
const TAB = 9;
const NEWLINE = 10;
const NULL_BYTES = [92, 78]; // \N
const SPECIAL = /[\\\t\n\r\0]/;

function escapeText(v: string): string {
  if (!SPECIAL.test(v)) return v;
  return v
    .replace(/\0/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/\t/g, "\\t")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r");
}

class Chunks {
  readonly done: Buffer[] = [];
  buf = Buffer.allocUnsafe(CHUNK);
  at = 0;

  /** Room for `bytes` more bytes in the current buffer (a value can be longer than CHUNK). */
  room(bytes: number) {
    if (this.at + bytes <= this.buf.length) return;
    if (this.at) this.done.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, bytes));
    this.at = 0;
  }

  finish(): Buffer[] {
    if (this.at) this.done.push(this.buf.subarray(0, this.at));
    return this.done;
  }
}

function writeString(out: Chunks, s: string) {
  // Escaping doubles a character at most; UTF-8 needs up to 3 bytes per UTF-16 unit.
  out.room(s.length * 3);
  const buf = out.buf;
  let at = out.at;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      // Not ASCII: this value the slow way (what was copied of it is overwritten).
      out.at += out.buf.write(escapeText(s), out.at, "utf8");
      return;
    }
    if (c > 92 || (c > 13 && c !== 92)) buf[at++] = c;
    else if (c === 92) {
      buf[at++] = 92;
      buf[at++] = 92;
    } else if (c === 9) {
      buf[at++] = 92;
      buf[at++] = 116;
    } else if (c === 10) {
      buf[at++] = 92;
      buf[at++] = 110;
    } else if (c === 13) {
      buf[at++] = 92;
      buf[at++] = 114;
    } else if (c !== 0) buf[at++] = c;
  }
  out.at = at;
}

function writeValue(out: Chunks, v: Value | null | undefined) {
  if (v === null || v === undefined) {
    out.room(2);
    out.buf[out.at++] = NULL_BYTES[0]!;
    out.buf[out.at++] = NULL_BYTES[1]!;
  } else writeString(out, typeof v === "string" ? v : String(v));
}

/** The plan's rows in COPY text format, in Buffers of about 1 MB. */
export function encodeCopy(plan: Pick<TableLoad, "count" | "values">): Buffer[] {
  const out = new Chunks();
  const cols = plan.values;
  const last = cols.length - 1;
  for (let i = 0; i < plan.count; i++) {
    for (let c = 0; c <= last; c++) {
      writeValue(out, cols[c]![i]);
      out.room(1);
      out.buf[out.at++] = c === last ? NEWLINE : TAB;
    }
  }
  return out.finish();
}
