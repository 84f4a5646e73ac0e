import { copyBytes, scalarKind, stringKind, textLossy, valueFrom, writeScalar, writeText } from "./columns";
import type { ColumnType, Value } from "./types";

// A call table's rows of a batch, kept as the COPY text PostgreSQL will read: each row is written
// once, when its message is done, as its values in the table's column order (the order the batch
// first saw the columns), a tab between them, \N where the row has none, and a newline. A column
// first seen after a row was written is missing from that row's end: the row is padded with \N
// when the batch is encoded. Rows that need nothing are handed to the loader where they lie, with
// no copy. The kind of every value is kept too (one byte), for the type rules of plan.ts.
// (users and accounts merge rows per id: they stay column by column, in columns.ts.)

const TAB = 9;
const NEWLINE = 10;
const NULL_TEXT = [92, 78]; // \N

/**
 * Values of the messages being written that are not in their payloads (ids, times, values written
 * through set()), encoded once here; emptied when a message starts.
 */
export class Scratch {
  buf = Buffer.allocUnsafeSlow(1 << 16);
  used = 0;

  room(n: number): Buffer {
    if (this.used + n > this.buf.length) {
      // A new buffer: the values already written keep the old one.
      this.buf = Buffer.allocUnsafeSlow(Math.max(this.buf.length, n) * 2);
      this.used = 0;
    }
    return this.buf;
  }

  reset() {
    this.used = 0;
    this.strings[0] = this.strings[1] = null;
  }

  // The last two strings written, and where: a message's receive and load times go into each of
  // its rows.
  readonly strings: (string | null)[] = [null, null];
  readonly bufs: Buffer[] = [this.buf, this.buf];
  readonly from = [0, 0];
  readonly to = [0, 0];
  next = 0;
}

export class RowTable {
  readonly mode = "insert" as const;
  /** Rows, and the row being written. */
  count = 0;
  at = 0;
  /** Its number in the batch (BatchBuilder's dedup). */
  number = 0;
  /** column -> its place; -1 for a column switched off. */
  private readonly slotOf = new Map<string, number>();
  /** The columns in order of first sight, and the kinds of their values (KIND bits). */
  readonly names: string[] = [];
  readonly masks: number[] = [];
  // Rows: row i's bytes start at rowStart[i] (each ends with a newline where the next begins) and
  // cover its first rowFields[i] columns; its values' kinds start at kindStart[i].
  private bytes = Buffer.allocUnsafeSlow(1 << 16);
  private used = 0;
  private rowStart = new Int32Array(1024);
  private rowFields = new Int32Array(1024);
  private kindStart = new Int32Array(1024);
  private kinds = new Uint8Array(1 << 14);
  private kindsUsed = 0;
  /** Strings that lost a character in their bytes (NUL, a lone surrogate), by "row:column". */
  private lossy: Map<string, string> | null = null;
  // The row being written: its values in the order they were set, and where each column's is.
  private open = false;
  private n = 0;
  private pSlot = new Int32Array(64);
  private pFrom = new Int32Array(64);
  private pTo = new Int32Array(64);
  private pKind = new Uint8Array(64);
  private pSrc: Buffer[] = [];
  private pOriginal: (string | null)[] = [];
  private order = new Int32Array(64);
  private slotRow = new Int32Array(64);
  private slotAt = new Int32Array(64);

  constructor(
    readonly table: string,
    readonly fixed: ReadonlyMap<string, ColumnType>,
    private readonly off: ReadonlySet<string>,
    private readonly scratch: Scratch,
  ) {}

  /** Starts a new row (the batch builder checked its id); the row before it is written. */
  append(): void {
    if (this.open) this.end();
    this.at = this.count++;
    this.open = true;
    this.n = 0;
  }

  private slot(col: string): number {
    const s = this.slotOf.get(col);
    if (s !== undefined) return s;
    if (col !== "id" && this.off.has(col)) {
      this.slotOf.set(col, -1);
      return -1;
    }
    const slot = this.names.length;
    this.names.push(col);
    this.masks.push(0);
    this.slotOf.set(col, slot);
    if (slot === this.slotRow.length) {
      this.slotRow = grow(this.slotRow, new Int32Array(slot * 2));
      this.slotAt = grow(this.slotAt, new Int32Array(slot * 2));
    }
    return slot;
  }

  /** Sets column `col` of the row being written to bytes from..to of `src` (COPY text already). */
  setBytes(
    col: string,
    src: Buffer,
    from: number,
    to: number,
    kind: number,
    original: string | null = null,
  ): void {
    const slot = this.slot(col);
    if (slot < 0) return;
    let i: number;
    // Set twice in one row: the later value wins.
    if (this.slotRow[slot] === this.count) i = this.slotAt[slot]!;
    else {
      i = this.n++;
      if (i === this.pSlot.length) {
        const n = i * 2;
        this.pSlot = grow(this.pSlot, new Int32Array(n));
        this.pFrom = grow(this.pFrom, new Int32Array(n));
        this.pTo = grow(this.pTo, new Int32Array(n));
        this.pKind = grow(this.pKind, new Uint8Array(n));
      }
      this.pSlot[i] = slot;
      this.slotRow[slot] = this.count;
      this.slotAt[slot] = i;
    }
    this.pSrc[i] = src;
    this.pFrom[i] = from;
    this.pTo[i] = to;
    this.pKind[i] = kind;
    this.pOriginal[i] = original;
  }

  setString(col: string, s: string, kind: number): void {
    const scratch = this.scratch;
    const hit = s === scratch.strings[0] ? 0 : s === scratch.strings[1] ? 1 : -1;
    if (hit >= 0) {
      this.setBytes(col, scratch.bufs[hit]!, scratch.from[hit]!, scratch.to[hit]!, kind);
      return;
    }
    const buf = scratch.room(s.length * 3);
    const from = scratch.used;
    const to = writeText(buf, from, s);
    scratch.used = to;
    const lossy = textLossy;
    this.setBytes(col, buf, from, to, kind, lossy ? s : null);
    if (!lossy && s.length > 8) {
      const i = scratch.next;
      scratch.next = i ^ 1;
      scratch.strings[i] = s;
      scratch.bufs[i] = buf;
      scratch.from[i] = from;
      scratch.to[i] = to;
    }
  }

  set(col: string, value: Value): void {
    if (typeof value === "string") {
      this.setString(col, value, stringKind(value));
      return;
    }
    const buf = this.scratch.room(25);
    const from = this.scratch.used;
    this.scratch.used = writeScalar(buf, from, value);
    this.setBytes(col, buf, from, this.scratch.used, scalarKind(value));
  }

  /** Writes the row being written into the rows, its values in column order. */
  end(): void {
    if (!this.open) return;
    this.open = false;
    const row = this.at;
    const n = this.n;
    // The values by column: usually set in column order already (an insertion sort otherwise).
    if (this.order.length < n) this.order = new Int32Array(n * 2);
    const order = this.order;
    let bytes = 1;
    for (let i = 0; i < n; i++) {
      let j = i;
      const slot = this.pSlot[i]!;
      while (j > 0 && this.pSlot[order[j - 1]!]! > slot) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
      bytes += this.pTo[i]! - this.pFrom[i]! + 1;
    }
    const fields = n ? this.pSlot[order[n - 1]!]! + 1 : 0;
    bytes += (fields - n) * 3;
    if (row >= this.rowStart.length) {
      const size = this.rowStart.length * 4;
      this.rowStart = grow(this.rowStart, new Int32Array(size));
      this.rowFields = grow(this.rowFields, new Int32Array(size));
      this.kindStart = grow(this.kindStart, new Int32Array(size));
    }
    if (this.used + bytes > this.bytes.length) {
      const b = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 4, this.used + bytes));
      this.bytes.copy(b, 0, 0, this.used);
      this.bytes = b;
    }
    if (this.kindsUsed + fields > this.kinds.length)
      this.kinds = grow(this.kinds, new Uint8Array(Math.max(this.kinds.length * 4, this.kindsUsed + fields)));
    const out = this.bytes;
    let at = this.used;
    let k = this.kindsUsed;
    this.rowStart[row] = at;
    this.rowFields[row] = fields;
    this.kindStart[row] = k;
    let next = 0;
    for (let slot = 0; slot < fields; slot++) {
      if (slot) out[at++] = TAB;
      const i = order[next]!;
      if (this.pSlot[i] === slot) {
        next++;
        at = copyBytes(out, at, this.pSrc[i]!, this.pFrom[i]!, this.pTo[i]!);
        const kind = this.pKind[i]!;
        this.kinds[k++] = kind;
        this.masks[slot] |= kind;
        const original = this.pOriginal[i];
        if (original !== null && original !== undefined) {
          this.lossy ??= new Map();
          this.lossy.set(`${row}:${slot}`, original);
        }
      } else {
        out[at++] = NULL_TEXT[0]!;
        out[at++] = NULL_TEXT[1]!;
        this.kinds[k++] = 0;
      }
    }
    out[at++] = NEWLINE;
    this.used = at;
    this.kindsUsed = k;
    for (let i = 0; i < n; i++) this.pSrc[i] = EMPTY;
  }

  /**
   * The rows in COPY text, for `columns` (slots of this table, in order) and, when `conflicts`
   * says so, a _conflicts column last. `conflicts` returns, per row, the JSON of the values taken
   * out of it (or null): only then is each row taken apart again.
   */
  encode(
    slots: number[],
    keep: ((row: number, slot: number, kind: number) => boolean) | null,
  ): { copy: Buffer[]; kept: (Record<string, Value> | undefined)[] | null } {
    this.end();
    const total = this.names.length;
    const identity = slots.length === total && slots.every((s, i) => s === i);
    if (identity && !keep) return { copy: this.padded(total), kept: null };
    return this.rebuilt(slots, keep);
  }

  /** The rows as they are, padded with \N to `total` columns where they are short. */
  private padded(total: number): Buffer[] {
    const out: Buffer[] = [];
    /** Where the complete rows not yet handed out start. */
    let runFrom = 0;
    let pad: Buffer | null = null;
    let padFrom = 0;
    let padUsed = 0;
    const flushPad = () => {
      if (pad && padUsed > padFrom) out.push(pad.subarray(padFrom, padUsed));
      padFrom = padUsed;
    };
    for (let row = 0; row < this.count; row++) {
      const fields = this.rowFields[row]!;
      const short = total - fields;
      if (!short) continue;
      const start = this.rowStart[row]!;
      const end = row + 1 < this.count ? this.rowStart[row + 1]! : this.used;
      if (start > runFrom) {
        flushPad();
        out.push(this.bytes.subarray(runFrom, start));
      }
      const need = end - start + short * 3;
      if (!pad || padUsed + need > pad.length) {
        flushPad();
        pad = Buffer.allocUnsafeSlow(Math.max(1 << 16, need));
        padFrom = padUsed = 0;
      }
      // The row without its newline, then a \N per missing column.
      padUsed = copyBytes(pad, padUsed, this.bytes, start, end - 1);
      for (let s = 0; s < short; s++) {
        if (fields > 0 || s > 0) pad[padUsed++] = TAB;
        pad[padUsed++] = NULL_TEXT[0]!;
        pad[padUsed++] = NULL_TEXT[1]!;
      }
      pad[padUsed++] = NEWLINE;
      runFrom = end;
    }
    flushPad();
    if (runFrom < this.used) out.push(this.bytes.subarray(runFrom, this.used));
    return out;
  }

  /** Every row taken apart and written again: some values leave for _conflicts, or columns go. */
  private rebuilt(
    slots: number[],
    keep: ((row: number, slot: number, kind: number) => boolean) | null,
  ): { copy: Buffer[]; kept: (Record<string, Value> | undefined)[] | null } {
    const wanted = new Int32Array(this.names.length).fill(-1);
    slots.forEach((s, i) => {
      wanted[s] = i;
    });
    /** Per row: the values taken out (column, value, whether the column found no place). */
    const taken: [string, Value, boolean][][] = [];
    let anyKept = false;
    const rows: { fields: (Buffer | null)[] }[] = [];
    for (let row = 0; row < this.count; row++) {
      const start = this.rowStart[row]!;
      const end = (row + 1 < this.count ? this.rowStart[row + 1]! : this.used) - 1;
      const fields: (Buffer | null)[] = new Array(slots.length).fill(null);
      let from = start;
      const k0 = this.kindStart[row]!;
      for (let slot = 0; slot < this.rowFields[row]!; slot++) {
        let to = from;
        while (to < end && this.bytes[to] !== TAB) to++;
        const kind = this.kinds[k0 + slot]!;
        if (kind !== 0) {
          const place = wanted[slot]!;
          if (place < 0 || (keep?.(row, slot, kind) ?? false)) {
            const text = this.bytes.toString("utf8", from, to);
            const value = this.lossy?.get(`${row}:${slot}`) ?? valueFrom(text, kind);
            taken[row] ??= [];
            taken[row].push([this.names[slot]!, value, place < 0]);
            anyKept = true;
          } else fields[place] = this.bytes.subarray(from, to);
        }
        from = to + 1;
      }
      rows.push({ fields });
    }
    // As plan.ts keeps them: values that did not fit, by column name; then columns with no place.
    const kept: (Record<string, Value> | undefined)[] = [];
    taken.forEach((list, row) => {
      if (!list) return;
      const k: Record<string, Value> = {};
      const sorted = list.filter((t) => !t[2]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [c, v] of [...sorted, ...list.filter((t) => t[2])]) k[c] = v;
      kept[row] = k;
    });
    const out: Buffer[] = [];
    let buf = Buffer.allocUnsafeSlow(1 << 20);
    let at = 0;
    for (let row = 0; row < rows.length; row++) {
      const { fields } = rows[row]!;
      const extra = kept[row] ? JSON.stringify(kept[row]) : null;
      let need = 1 + (extra ? extra.length * 3 + 1 : 3);
      for (const f of fields) need += (f ? f.length : 2) + 1;
      if (at + need > buf.length) {
        if (at) out.push(buf.subarray(0, at));
        buf = Buffer.allocUnsafeSlow(Math.max(1 << 20, need));
        at = 0;
      }
      fields.forEach((f, i) => {
        if (i) buf[at++] = TAB;
        if (f) at = copyBytes(buf, at, f, 0, f.length);
        else {
          buf[at++] = NULL_TEXT[0]!;
          buf[at++] = NULL_TEXT[1]!;
        }
      });
      if (anyKept) {
        buf[at++] = TAB;
        if (extra !== null) at = writeText(buf, at, extra);
        else {
          buf[at++] = NULL_TEXT[0]!;
          buf[at++] = NULL_TEXT[1]!;
        }
      }
      buf[at++] = NEWLINE;
    }
    if (at) out.push(buf.subarray(0, at));
    return { copy: out, kept: anyKept ? kept : null };
  }
}

const EMPTY = Buffer.alloc(0);

function grow<T extends Int32Array | Uint8Array>(a: T, b: T): T {
  b.set(a);
  return b;
}
