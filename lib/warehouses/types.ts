// The warehouse's column types and how a flattened value's type is inferred (docs/warehouses.md,
// "Types"): numbers are bigint or double precision, booleans boolean, ISO-8601 strings that
// PostgreSQL takes as they are timestamptz, anything else text.

export type ColumnType = "bigint" | "double precision" | "boolean" | "timestamptz" | "text";
export type Value = string | number | boolean;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/;

const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;

/**
 * Whether a string is an ISO-8601 date or timestamp that PostgreSQL's timestamptz takes as it is:
 * every field in range for its calendar date (no 30 February, no year 0), hours 00–23 (or 24:00:00
 * exactly), a zone offset of at most ±15:59. JavaScript's Date.parse is not that check: it takes
 * 2026-02-30 (as 2 March) and +16:00, which PostgreSQL refuses, and one such value would fail a
 * whole load.
 */
export function isIsoTimestamp(s: string): boolean {
  // Cheap checks first: most strings are not dates ("YYYY-" is required).
  if (
    s.length < 10 ||
    s.length > 40 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(0) > 57 ||
    s.charCodeAt(0) < 48
  )
    return false;
  const m = ISO.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (m[4] !== undefined) {
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (minute > 59 || second > 59) return false;
    if (hour > 24 || (hour === 24 && (minute || second || /[1-9]/.test(m[7] ?? "")))) return false;
  }
  if (m[8] !== undefined && (Number(m[8]) > 15 || Number(m[9] ?? 0) > 59)) return false;
  return true;
}

/** Two ASCII digits at `p` as a number, or -1. */
function two(b: Uint8Array, p: number): number {
  const x = b[p]! - 48;
  const y = b[p + 1]! - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

/**
 * isIsoTimestamp() of the UTF-8 text in bytes from..to, without making it a string (the warehouse
 * loader asks this of every string value it copies). The same grammar and the same ranges.
 */
export function isIsoTimestampBytes(b: Uint8Array, from: number, to: number): boolean {
  const len = to - from;
  if (len < 10 || len > 40 || b[from + 4] !== 45 || b[from + 7] !== 45) return false;
  const y1 = two(b, from);
  const y2 = two(b, from + 2);
  const month = two(b, from + 5);
  const day = two(b, from + 8);
  if (y1 < 0 || y2 < 0 || month < 0 || day < 0) return false;
  const year = y1 * 100 + y2;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  let i = from + 10;
  if (i === to) return true;
  if ((b[i] !== 84 && b[i] !== 32) || to - i < 6 || b[i + 3] !== 58) return false;
  const hour = two(b, i + 1);
  const minute = two(b, i + 4);
  if (hour < 0 || minute < 0) return false;
  i += 6;
  let second = 0;
  let fraction = false;
  if (i < to && b[i] === 58) {
    second = two(b, i + 1);
    if (second < 0 || i + 3 > to) return false;
    i += 3;
    if (i < to && b[i] === 46) {
      const start = ++i;
      while (i < to && b[i]! >= 48 && b[i]! <= 57) {
        if (b[i] !== 48) fraction = true;
        i++;
      }
      if (i === start || i - start > 9) return false;
    }
  }
  if (i < to) {
    const z = b[i];
    if (z === 90) i++;
    else if (z === 43 || z === 45) {
      const zh = two(b, i + 1);
      if (zh < 0 || i + 3 > to) return false;
      i += 3;
      let zm = 0;
      if (i < to) {
        if (b[i] === 58) i++;
        zm = i + 2 <= to ? two(b, i) : -1;
        if (zm < 0) return false;
        i += 2;
      }
      if (zh > 15 || zm > 59) return false;
    } else return false;
  }
  if (i !== to) return false;
  if (minute > 59 || second > 59) return false;
  return !(hour > 24 || (hour === 24 && (minute || second || fraction)));
}

export function inferType(v: Value): ColumnType {
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isSafeInteger(v) ? "bigint" : "double precision";
  return isIsoTimestamp(v) ? "timestamptz" : "text";
}
