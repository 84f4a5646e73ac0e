import { describe, expect, it } from "vitest";
import { messageRows } from "./flatten";
import { planTable, rowsOf, type Selection, type TableLoad } from "./plan";
import { BatchPreparer, type PreparedBatch } from "./prepare";
import { randomMessages } from "./testing-messages";

// A call table's rows are written as COPY text as each message is done (rows.ts); users and
// accounts, and planTable(), keep values column by column (plan.ts, columns.ts). Both must load the
// same rows: the column-by-column planning is the reference here.

const none: Selection = { tables: new Set(), columns: new Set() };
const LOADED_AT = "2026-12-06T00:00:00.000Z";

/** A load's rows as objects (column -> text), NULLs left out, keys sorted. */
function objects(columns: string[], rows: (string | null)[][]): string[] {
  return rows.map((r) =>
    JSON.stringify(
      Object.fromEntries(
        columns
          .flatMap((c, i) => (r[i] === null ? [] : [[c, r[i]!] as const]))
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
    ),
  );
}

/** COPY text back into rows of text (what PostgreSQL reads). */
function parseCopy(text: string): (string | null)[][] {
  const unescapeField = (f: string) =>
    f === "\\N" ? null : f.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r" })[c] ?? c);
  return text
    .split("\n")
    .slice(0, -1)
    .map((line) => line.split("\t").map(unescapeField));
}

function prepare(payloads: string[], columns: Record<string, Record<string, string>> = {}): PreparedBatch {
  const preparer = new BatchPreparer({
    schemas: { s: "src" },
    selection: { tables: [], columns: [] },
    columns: { src: columns },
  });
  const rows = payloads.map((payload, i) => ({
    seq: i + 1,
    sourceId: "s",
    receivedAt: 1_780_000_000_000,
    payload,
  }));
  return preparer.prepare(rows, LOADED_AT)!;
}

const load = (batch: PreparedBatch, table: string) => {
  const l = batch.loads.find((x) => x.plan.table === table)!;
  return { plan: l.plan, rows: parseCopy(Buffer.concat(l.copy).toString("utf8")) };
};

describe("call tables written row by row", () => {
  it("loads what column-by-column planning loads, on every kind of message", () => {
    const payloads = randomMessages(3_000, 5);
    const existing = { pages: { id: "text", name: "bigint", properties_x: "boolean" } };
    const batch = prepare(payloads, existing);
    // The reference: every message's rows as Maps, planned table by table.
    const byTable = new Map<string, ReturnType<typeof messageRows>>();
    for (const payload of payloads)
      for (const r of messageRows({ seq: 0, receivedAt: 1_780_000_000_000, payload }, LOADED_AT))
        byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
    let compared = 0;
    for (const [table, rows] of byTable) {
      if (rows[0]!.mode !== "insert") continue;
      const known = existing[table as keyof typeof existing];
      const reference: TableLoad = planTable(
        table,
        rows,
        known && new Map(Object.entries(known) as never),
        none,
      );
      const got = load(batch, table);
      expect(got.plan.add, table).toEqual(reference.add);
      expect(got.plan.conflicts, table).toBe(reference.conflicts);
      expect(new Set(got.plan.columns.map((c, i) => `${c} ${got.plan.types[i]}`))).toEqual(
        new Set(reference.columns.map((c, i) => `${c} ${reference.types[i]}`)),
      );
      expect(objects(got.plan.columns, got.rows)).toEqual(objects(reference.columns, rowsOf(reference)));
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });

  it("the batch's last message adds its new columns with their types", () => {
    const batch = prepare([
      JSON.stringify({ type: "track", event: "Renewed", messageId: "a", properties: { plan: "pro" } }),
      JSON.stringify({
        type: "track",
        event: "Renewed",
        messageId: "b",
        properties: { on: "2026-03-01", n: 2 },
      }),
    ]);
    const { plan, rows } = load(batch, "renewed");
    expect(plan.add).toEqual(
      expect.arrayContaining([
        ["on", "timestamptz"],
        ["n", "bigint"],
        ["plan", "text"],
      ]),
    );
    expect(plan.add).not.toContainEqual(["_conflicts", "text"]);
    const on = plan.columns.indexOf("on");
    // The first row was written before "on" existed: it is padded with NULL.
    expect(rows.map((r) => r[on])).toEqual([null, "2026-03-01"]);
    expect(rows.every((r) => r.length === plan.columns.length)).toBe(true);
  });

  it("a value that does not fit its column goes to _conflicts; the row keeps NULL there", () => {
    const batch = prepare(
      [
        JSON.stringify({
          type: "track",
          event: "Paid",
          messageId: "a",
          properties: { total: 5, note: "ok" },
        }),
        JSON.stringify({
          type: "track",
          event: "Paid",
          messageId: "b",
          properties: { total: "five", when: "x" },
        }),
        JSON.stringify({ type: "track", event: "Paid", messageId: "b", properties: { total: 7 } }),
      ],
      { paid: { id: "text", total: "bigint", when: "timestamptz" } },
    );
    const { plan, rows } = load(batch, "paid");
    expect(plan.conflicts).toBe(2);
    const col = (name: string) => rows.map((r) => r[plan.columns.indexOf(name)]);
    // The third message repeats b's id: the first one wins.
    expect(col("id")).toEqual(["a", "b"]);
    expect(col("total")).toEqual(["5", null]);
    expect(col("_conflicts")).toEqual([null, '{"total":"five","when":"x"}']);
    expect(col("note")).toEqual(["ok", null]);
  });

  it("a switched-off column is never written, a switched-off table gets no rows", () => {
    const preparer = new BatchPreparer({
      schemas: { s: "src" },
      selection: { tables: ["pages"], columns: ["viewed.secret"] },
      columns: {},
    });
    const batch = preparer.prepare(
      [
        JSON.stringify({
          type: "track",
          event: "Viewed",
          messageId: "a",
          properties: { secret: "x", keep: 1 },
        }),
        JSON.stringify({ type: "page", messageId: "p", name: "Home" }),
      ].map((payload, i) => ({ seq: i + 1, sourceId: "s", receivedAt: 1_780_000_000_000, payload })),
      LOADED_AT,
    )!;
    expect(batch.loads.map((l) => l.plan.table).sort()).toEqual(["tracks", "viewed"]);
    const { plan, rows } = load(batch, "viewed");
    expect(plan.columns).not.toContain("secret");
    expect(rows[0]![plan.columns.indexOf("keep")]).toBe("1");
  });
});
