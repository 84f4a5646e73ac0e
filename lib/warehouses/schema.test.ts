import { describe, expect, it } from "vitest";
import { messageRows } from "./flatten";
import { eventTable, schemaNameProblem, snakeCase } from "./naming";
import { fits, planTable, rowsOf } from "./plan";
import { inferType } from "./types";

const none = { tables: new Set<string>(), columns: new Set<string>() };

describe("warehouse names", () => {
  it("snake_cases events, keys and slugs the way Segment's warehouse schema does", () => {
    expect(snakeCase("Order Completed")).toBe("order_completed");
    expect(snakeCase("orderId")).toBe("order_id");
    expect(snakeCase("HTTPStatus")).toBe("http_status");
    expect(snakeCase("$plan  2!")).toBe("plan_2");
    expect(snakeCase("2fa Enabled")).toBe("_2fa_enabled");
    expect(snakeCase("Ω")).toBeNull();
    expect(snakeCase("x".repeat(80))).toHaveLength(63);
    expect(eventTable("Tracks")).toBe("tracks_event");
    expect(eventTable("Users")).toBe("users_event");
    expect(schemaNameProblem("marketing_site")).toBeNull();
    expect(schemaNameProblem("Marketing")).toMatch(/lower-case/);
    expect(schemaNameProblem("pg_catalog")).toMatch(/reserved/);
  });
});

describe("flattening and types", () => {
  it("infers bigint, double precision, boolean, timestamptz and text", () => {
    expect(inferType(3)).toBe("bigint");
    expect(inferType(3.5)).toBe("double precision");
    expect(inferType(true)).toBe("boolean");
    expect(inferType("2026-12-01T10:00:00Z")).toBe("timestamptz");
    expect(inferType("2026-13-45")).toBe("text");
    expect(inferType("hello")).toBe("text");
  });

  it("takes a string for a timestamp only when PostgreSQL's timestamptz accepts it as it is", () => {
    for (const ok of [
      "2026-12-01",
      "2024-02-29",
      "2000-02-29",
      "2026-12-01 10:00",
      "2026-12-01T10:00:00.123456789Z",
      "2026-12-31T24:00:00Z",
      "2026-01-01T00:00:00-15:59",
      "2026-01-01T00:00:00+1400",
      "0001-01-01T00:00:00Z",
    ])
      expect([ok, inferType(ok)]).toEqual([ok, "timestamptz"]);
    // JavaScript's Date.parse takes the first five; PostgreSQL refuses every one of them.
    for (const bad of [
      "2026-02-30T00:00:00Z",
      "2026-04-31",
      "2100-02-29",
      "2026-01-01T00:00:00+16:00",
      "2026-12-31T24:00:01Z",
      "0000-01-01",
      "2026-01-01T23:60:00Z",
      "2026-01-01T00:00:00+14:60",
      "2026-12-31T23:59:60.5Z",
    ]) {
      expect([bad, inferType(bad)]).toEqual([bad, "text"]);
      expect(fits(bad, "timestamptz")).toBe(false);
    }
  });

  it("flattens nested objects with _, keeps arrays as JSON and puts clashing keys behind a prefix", () => {
    const [tracks, event] = messageRows(
      {
        seq: 1,
        receivedAt: Date.UTC(2026, 11, 1),
        payload: JSON.stringify({
          type: "track",
          event: "Cart Viewed",
          messageId: "m1",
          properties: { id: "sku-1", cart: { items: { count: 2 } }, list: [1, 2], empty: null },
        }),
      },
      "2026-12-01T00:00:01.000Z",
    );
    expect(tracks!.table).toBe("tracks");
    expect(event!.table).toBe("cart_viewed");
    expect(Object.fromEntries(event!.row)).toMatchObject({
      id: "m1",
      properties_id: "sku-1",
      cart_items_count: 2,
      list: "[1,2]",
      event: "cart_viewed",
      event_text: "Cart Viewed",
    });
    expect(event!.row.has("empty")).toBe(false);
  });

  it("a deep object stops being flattened after 8 levels and is kept as JSON", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 12; i++) deep = { n: deep };
    const rows = messageRows(
      { seq: 1, receivedAt: 0, payload: JSON.stringify({ type: "page", messageId: "p", properties: deep }) },
      "2026-12-01T00:00:00.000Z",
    );
    const cols = [...rows[0]!.row.keys()].filter((k) => k.startsWith("n_"));
    expect(cols).toHaveLength(1);
    expect(rows[0]!.row.get(cols[0]!)).toMatch(/^\{"n":/);
  });
});

describe("the type-conflict rule", () => {
  it("fits values to the column's type or reports a conflict", () => {
    expect(fits(3, "double precision")).toBe(true);
    expect(fits(3, "bigint")).toBe(true);
    expect(fits(3.5, "bigint")).toBe(false);
    expect(fits(2 ** 60, "bigint")).toBe(false);
    expect(fits(true, "text")).toBe(true);
    expect(fits(true, "bigint")).toBe(false);
    expect(fits("2026-12-06T10:00:00Z", "timestamptz")).toBe(true);
    expect(fits("abc", "timestamptz")).toBe(false);
  });

  it("a new column seen with integers and decimals in one batch is double precision, with other mixes text", () => {
    const row = (id: string, v: number | string) => ({
      table: "t",
      mode: "insert" as const,
      row: new Map<string, number | string>([
        ["id", id],
        ["v", v],
      ]),
    });
    expect(planTable("t", [row("a", 1), row("b", 1.5)], undefined, none).add).toContainEqual([
      "v",
      "double precision",
    ]);
    expect(planTable("t", [row("a", 1), row("b", "x")], undefined, none).add).toContainEqual(["v", "text"]);
    const existing = new Map([
      ["id", "text" as const],
      ["v", "bigint" as const],
    ]);
    const plan = planTable("t", [row("a", "x"), row("a", 2)], existing, none);
    expect(rowsOf(plan)).toEqual([["a", null, '{"v":"x"}']]); // same id twice in a batch: the first wins
    expect(plan.add).toEqual([["_conflicts", "text"]]);
  });
});
