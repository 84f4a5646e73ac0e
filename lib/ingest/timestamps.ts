// ISO-8601 date-times as Segment's tracking API takes them: leniently in the date parts (its own
// HTTP API example batch sends "2015-2-02T00:30:08.276Z", a one-digit month), strictly about
// what is a date at all ("yesterday", epoch numbers, "2024/05/01" and month 13 stay refused).
//
//   2024-05-01                      midnight UTC
//   2024-5-1T9:30                   one- or two-digit month, day and hour
//   2024-05-01 12:00:05.123456789   space instead of T, up to 9 fraction digits ("." or ",")
//   2024-05-01T12:00:05+02, +0200, +02:00, Z
//
// Without a zone the time is UTC (the server's own zone never leaks in, unlike Date.parse).
// One regular expression with no nested or adjacent unbounded quantifiers: linear time.

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Epoch milliseconds, or null when `text` is not a date-time Segment would take. */
export function parseTimestamp(text: unknown): number | null {
  if (typeof text !== "string" || text.length > 40) return null;
  const m = ISO.exec(text);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(
    (v) => (v === undefined ? undefined : Number(v)),
  ) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > (month === 2 && !leap(year!) ? 28 : DAYS[month! - 1]!))
    return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  let offset = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = m[11] ? Number(m[11]) : 0;
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === "+" ? 1 : -1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hour, minute - offset, second, ms);
  return date.getTime();
}

export const isTimestamp = (v: unknown): v is string => parseTimestamp(v) !== null;

/** The canonical form destinations receive: 2015-02-02T00:30:08.276Z. */
export function normalizedTimestamp(text: string): string | null {
  const ms = parseTimestamp(text);
  return ms === null ? null : new Date(ms).toISOString();
}
