import { additions, CONFLICTS, FITTING, inferColumn } from "./columns";
import type { TableLoad } from "./plan";
import type { RowTable } from "./rows";
import type { ColumnType } from "./types";

/**
 * Plans a call table's rows of a batch (the rules of planBuilt in plan.ts): the columns to add
 * with their types, and the rows in COPY text. Values that do not fit their column's type, and
 * columns over the table's limit, go to _conflicts.
 */
export function planRows(t: RowTable, existing: Map<string, ColumnType> | undefined): TableLoad {
  t.end();
  const known = new Map(existing ?? []);
  const fresh = new Map<string, ColumnType>();
  t.names.forEach((col, slot) => {
    if (known.has(col)) return;
    const type = t.fixed.get(col) ?? inferColumn(t.masks[slot]!);
    if (type) fresh.set(col, type);
  });
  const add = additions(fresh, known);
  const slots: number[] = [];
  const columns: string[] = [];
  const types: ColumnType[] = [];
  t.names.forEach((col, slot) => {
    const type = known.get(col);
    if (!type) return;
    slots.push(slot);
    columns.push(col);
    types.push(type);
  });
  // Columns holding values their type does not take.
  const fitting = new Map<number, number>();
  slots.forEach((slot, i) => {
    const f = FITTING[types[i]!];
    if (t.masks[slot]! & ~f) fitting.set(slot, f);
  });
  let conflicts = 0;
  const keep = fitting.size
    ? (_row: number, slot: number, kind: number) => {
        const f = fitting.get(slot);
        if (f === undefined || kind & f) return false;
        conflicts++;
        return true;
      }
    : null;
  const { copy, kept } = t.encode(slots, keep);
  if (kept) {
    if (!known.has(CONFLICTS)) add.push([CONFLICTS, "text"]);
    columns.push(CONFLICTS);
    types.push("text");
  }
  return {
    table: t.table,
    mode: "insert",
    exists: existing !== undefined,
    add,
    columns,
    types,
    count: t.count,
    values: [],
    copy,
    conflicts,
  };
}
