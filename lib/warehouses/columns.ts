import { type ColumnType, isIsoTimestamp, type Value } from "./types";

// One column of a table's batch, kept as the bytes PostgreSQL's COPY text format wants (backslash
// escapes, UTF-8, NUL dropped) from the moment a value is set, with each row's span and the kind of
// its value. A batch of 25,000 messages used to keep every flattened value as a JavaScript string
// or number until the batch was planned: they outlived the young generation's collections and were
// copied by each. Bytes live outside the JavaScript heap, and the kinds are all planning needs to
// infer a new column's type and find the values that do not fit (plan.ts).

/** What a value is. Kinds are bits, so a column's kinds can be collected into one mask. */
export const KIND = {
  /** A safe integer. */
  int: 1,
  /** Any other finite number. */
  double: 2,
  boolean: 4,
  /** A string isIsoTimestamp() takes. */
  timestamp: 8,
  text: 16,
} as const;

/** The most columns a table is allowed (PostgreSQL's own limit is 1,600). */
export const MAX_COLUMNS = 1500;
export const CONFLICTS = "_conflicts";

const NUMBERS = KIND.int | KIND.double;

/**
 * The type a new column gets from the kinds of its values in this batch (a mask of KIND bits):
 * one kind gives its type; integers and decimals, double precision; any other mix, text.
 */
export function inferColumn(mask: number): ColumnType | undefined {
  switch (mask) {
    case 0:
      return undefined;
    case KIND.int:
      return "bigint";
    case KIND.double:
    case NUMBERS:
      return "double precision";
    case KIND.boolean:
      return "boolean";
    case KIND.timestamp:
      return "timestamptz";
    default:
      return "text";
  }
}

/**
 * The columns a load adds, in order (id first, so a new table is created with its primary key in
 * front), within the table's limit; `known` (the table's columns) learns them.
 */
export function additions(
  fresh: Map<string, ColumnType>,
  known: Map<string, ColumnType>,
): [string, ColumnType][] {
  const add: [string, ColumnType][] = [];
  const ordered = [...fresh.entries()].sort(([a], [b]) => (a === "id" ? -1 : b === "id" ? 1 : 0));
  for (const [col, type] of ordered) {
    if (known.size + add.length >= MAX_COLUMNS && col !== "id") continue;
    add.push([col, type]);
  }
  for (const [col, type] of add) known.set(col, type);
  return add;
}

/** The kinds of value a column of each type stores as they are (the others are conflicts). */
export const FITTING: Record<ColumnType, number> = {
  text: 0xff,
  bigint: KIND.int,
  "double precision": NUMBERS,
  boolean: KIND.boolean,
  timestamptz: KIND.timestamp,
};

const INITIAL_BYTES = 1024;
/** Spans longer than this are copied by Buffer.copy; shorter ones byte by byte (the call costs more). */
const COPY_CALL = 512;
const INITIAL_ROWS = 64;
const SPECIAL = /[\\\t\n\r\0]/;
/** A UTF-16 surrogate without its pair: UTF-8 has no bytes for it (it is written as U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];

function escapeText(v: string): string {
  if (!SPECIAL.test(v)) return v;
  return v
    .replace(/\0/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/\t/g, "\\t")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r");
}

// The last timestamps asked about: a batch's load time and receive times come back row after row
// (strings that are not timestamps are told apart by their first characters, at little cost).
const recent: (string | null)[] = [null, null, null, null];
let recentNext = 0;

/** The kind of a string: a timestamp when PostgreSQL takes it as one, text otherwise. */
export function stringKind(s: string): number {
  for (let i = 0; i < 4; i++) if (recent[i] === s) return KIND.timestamp;
  if (!isIsoTimestamp(s)) return KIND.text;
  recent[recentNext] = s;
  recentNext = (recentNext + 1) & 3;
  return KIND.timestamp;
}

export class ColumnData {
  bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  used = 0;
  /** Per row: where its value's bytes start and end in `bytes`, and its kind (0: no value). */
  start = new Int32Array(INITIAL_ROWS);
  end = new Int32Array(INITIAL_ROWS);
  kind = new Uint8Array(INITIAL_ROWS);
  /** Strings whose bytes lost something (NUL, a lone surrogate), by row: their value as it was, for _conflicts. */
  private lossy: Map<number, string> | null = null;
  /** The last string set and its span: a value repeated row after row (a load time) is stored once. */
  private lastString: string | null = null;
  private lastStart = 0;
  private lastEnd = 0;
  private lastKind = 0;

  /** Room for row `row`. */
  rows(row: number): void {
    if (row < this.kind.length) return;
    let n = this.kind.length * 4;
    while (n <= row) n *= 4;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.start = grow(this.start, (k) => new Int32Array(k));
    this.end = grow(this.end, (k) => new Int32Array(k));
    this.kind = grow(this.kind, (k) => new Uint8Array(k));
  }

  /** Room for `n` more bytes. */
  room(n: number): Buffer {
    if (this.used + n > this.bytes.length) {
      const b = Buffer.allocUnsafe(Math.max(this.bytes.length * 4, this.used + n));
      this.bytes.copy(b, 0, 0, this.used);
      this.bytes = b;
    }
    return this.bytes;
  }

  private span(row: number, from: number, kind: number, end = this.used) {
    this.rows(row);
    this.start[row] = from;
    this.end[row] = end;
    this.kind[row] = kind;
    if (this.lossy) this.lossy.delete(row);
  }

  /** Whether row `row` has a value. */
  has(row: number): boolean {
    return row < this.kind.length && this.kind[row] !== 0;
  }

  /** Sets row `row` to `value` (a number must be finite). */
  set(row: number, value: Value): void {
    if (typeof value === "string")
      this.setString(row, value, value === this.lastString ? this.lastKind : stringKind(value));
    else this.setScalar(row, value);
  }

  /** Sets a string of known kind. */
  setString(row: number, s: string, kind: number): void {
    if (s === this.lastString && s !== "") {
      this.span(row, this.lastStart, kind, this.lastEnd);
      return;
    }
    const buf = this.room(s.length * 3);
    const from = this.used;
    const at = writeText(buf, from, s);
    const lossy = textLossy;
    this.used = at;
    this.span(row, from, kind);
    if (lossy) {
      this.lossy ??= new Map();
      this.lossy.set(row, s);
    }
    this.lastString = lossy ? null : s;
    this.lastKind = kind;
    this.lastStart = from;
    this.lastEnd = at;
  }

  /** Sets bytes from..to of `src`, which are already COPY text (UTF-8, escaped). */
  setBytes(row: number, src: Buffer, from: number, to: number, kind: number): void {
    const buf = this.room(to - from);
    const start = this.used;
    this.used = copyBytes(buf, start, src, from, to);
    this.span(row, start, kind);
  }

  /** Sets a number or boolean. */
  private setScalar(row: number, value: number | boolean) {
    const buf = this.room(25);
    const from = this.used;
    this.used = writeScalar(buf, from, value);
    this.span(row, from, scalarKind(value));
  }

  /** Row `row`'s value as it was set (for _conflicts), or undefined when it has none. */
  value(row: number): Value | undefined {
    if (!this.has(row)) return undefined;
    return (
      this.lossy?.get(row) ??
      valueFrom(this.bytes.toString("utf8", this.start[row], this.end[row]), this.kind[row]!)
    );
  }

  /** Row `row`'s value as PostgreSQL reads it, or null. */
  text(row: number): string | null {
    return this.has(row) ? unescapeCopy(this.bytes.toString("utf8", this.start[row], this.end[row])) : null;
  }
}

const UNESCAPE: Record<string, string> = { "\\": "\\", t: "\t", n: "\n", r: "\r" };
export const unescapeCopy = (s: string) =>
  s.includes("\\") ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c]!) : s;

/** A value as it was set, from its COPY text and kind (strings that lost a character excepted). */
export function valueFrom(text: string, kind: number): Value {
  if (kind === KIND.int || kind === KIND.double) return Number(text);
  if (kind === KIND.boolean) return text === "true";
  return unescapeCopy(text);
}

/** Set by writeText: whether the string it wrote lost a NUL or a lone surrogate. */
export let textLossy = false;

/**
 * Writes `s` as COPY text (backslash escapes, UTF-8, NUL dropped) at `at` in `buf`, which has room
 * for s.length * 3 bytes (escaping doubles a character at most; UTF-8 needs up to 3 bytes per
 * UTF-16 unit). Returns where it ended.
 */
export function writeText(buf: Buffer, at: number, s: string): number {
  const from = at;
  textLossy = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      // Not ASCII: this value the slow way (what was copied of it is overwritten).
      textLossy = s.includes("\0") || LONE_SURROGATE.test(s);
      return from + buf.write(escapeText(s), from, "utf8");
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
    else textLossy = true;
  }
  return at;
}

export const scalarKind = (v: number | boolean): number =>
  typeof v === "boolean" ? KIND.boolean : Number.isSafeInteger(v) ? KIND.int : KIND.double;

/** Writes a finite number or a boolean as its text (at most 25 bytes); returns where it ended. */
export function writeScalar(buf: Buffer, at: number, v: number | boolean): number {
  if (typeof v === "boolean") {
    const bytes = v ? TRUE : FALSE;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i]!;
    return at;
  }
  const s = String(v);
  for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
  return at;
}

/** Copies bytes from..to of `src` to `at` in `buf`; returns where it ended. */
export function copyBytes(buf: Buffer, at: number, src: Buffer, from: number, to: number): number {
  if (to - from > COPY_CALL) return at + src.copy(buf, at, from, to);
  for (let i = from; i < to; i++) buf[at++] = src[i]!;
  return at;
}

/** A column holding these values (null or undefined: none); tests and small callers. */
export function columnOf(values: readonly (Value | null | undefined)[]): ColumnData {
  const c = new ColumnData();
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) c.set(i, v);
  });
  return c;
}
