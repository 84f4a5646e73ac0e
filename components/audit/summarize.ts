// Turns an audit event's { before, after } into a few short lines for the table. Pure, so the
// formatting rules are unit-tested.

export interface ChangeLine {
  key: string;
  before?: string;
  after?: string;
}

const MAX = 60;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A compact, human view of one value. A null label scope means "every label". */
export function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return key === "labels" ? "all labels" : "none";
  let text: string;
  if (Array.isArray(value))
    text = value.length ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "[]";
  else if (typeof value === "string") text = value;
  else text = JSON.stringify(value);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

/** Nothing to show: absent, null, "", [] or {}. A label scope of null means "every label", so it is a value. */
function isEmpty(key: string, value: unknown): boolean {
  if (value === null) return key !== "labels";
  if (value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/**
 * Changed keys as "before → after"; keys only on one side keep that side; unchanged keys are left
 * out, and so are keys empty on both sides (a missing list and an empty one are the same) and, in
 * a creation or deletion, empty keys: "headers: none" says nothing about what happened.
 */
export function summarizeChange(before: unknown, after: unknown): ChangeLine[] {
  const b = isRecord(before) ? before : before == null ? {} : { value: before };
  const a = isRecord(after) ? after : after == null ? {} : { value: after };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const hasBefore = before != null;
  const hasAfter = after != null;
  const lines: ChangeLine[] = [];
  for (const key of keys) {
    const inB = key in b;
    const inA = key in a;
    if (inB && inA && JSON.stringify(b[key]) === JSON.stringify(a[key])) continue;
    if (isEmpty(key, b[key]) && isEmpty(key, a[key])) continue;
    lines.push({
      key,
      ...(hasBefore && inB ? { before: formatValue(key, b[key]) } : {}),
      ...(hasAfter && inA ? { after: formatValue(key, a[key]) } : {}),
    });
  }
  return lines;
}
