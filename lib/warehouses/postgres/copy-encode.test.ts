import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columnOf } from "../columns";
import type { Cell } from "../plan";
import { type TempPostgres, tempPostgres } from "../testing";
import { encodeCopy } from "./copy-encode";

// The COPY encoder writes bytes itself: what PostgreSQL reads back must be exactly the values,
// whatever characters they hold and however long they are.

let pgdb: TempPostgres;
let client: pg.Client;
beforeAll(async () => {
  pgdb = await tempPostgres("sy_copy");
  client = new pg.Client({
    host: pgdb.settings.host,
    port: pgdb.settings.port,
    user: "postgres",
    database: pgdb.database,
  });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await pgdb?.drop();
});

const long = `${"x".repeat(700_000)}é${"\t\\".repeat(300_000)}`;
const tricky: string[] = [
  "plain",
  "",
  "tab\there",
  "new\nline and\r\ncarriage",
  "back\\slash \\N \\t",
  "nul\u0000dropped",
  "café Ünïcödé",
  "emoji 🚀 and 中文",
  "mixed é\tand\\ \n",
  "\u0001\u0008\u000b\u000c\u001f control",
  "lone surrogate \ud800 end",
  long,
  "中".repeat(400_000),
];

async function roundTrip(columns: Cell[][], count: number): Promise<(string | null)[][]> {
  const cols = columns.map((_, i) => `c${i} text`).join(", ");
  await client.query(`DROP TABLE IF EXISTS t; CREATE TABLE t (n serial, ${cols})`);
  const names = columns.map((_, i) => `c${i}`).join(", ");
  await pipeline(
    Readable.from(encodeCopy({ count, values: columns.map(columnOf) })),
    client.query(copyFrom(`COPY t (${names}) FROM STDIN`)),
  );
  const res = await client.query({ text: `SELECT ${names} FROM t ORDER BY n`, rowMode: "array" });
  return res.rows as (string | null)[][];
}

describe("COPY encoding", () => {
  it("PostgreSQL reads back every string exactly (NUL dropped), across 1 MB buffer boundaries", async () => {
    const rows = await roundTrip([tricky, tricky.map((s) => s.toUpperCase())], tricky.length);
    const expected = (s: string) => s.replace(/\0/g, "").replace(/\ud800/g, "\ufffd");
    expect(rows.map((r) => r[0])).toEqual(tricky.map(expected));
    expect(rows.map((r) => r[1])).toEqual(tricky.map((s) => expected(s.toUpperCase())));
  });

  it("writes numbers and booleans as their text, and null, undefined or a short column as NULL", async () => {
    const rows = await roundTrip(
      [[1, 2.5, -3e-7, 12345678901234, 1e21], [true, false, null, undefined, "\\N"], ["only one"]],
      5,
    );
    expect(rows).toEqual([
      ["1", "true", "only one"],
      ["2.5", "false", null],
      ["-3e-7", null, null],
      ["12345678901234", null, null],
      ["1e+21", "\\N", null],
    ]);
  });

  it("many rows split into buffers of about 1 MB, none lost", async () => {
    const n = 30_000;
    const a = Array.from({ length: n }, (_, i) => `row ${i} ${"y".repeat(i % 90)}`);
    const chunks = encodeCopy({ count: n, values: [columnOf(a)] });
    expect(chunks.length).toBeGreaterThan(1);
    const rows = await roundTrip([a], n);
    expect(rows.map((r) => r[0])).toEqual(a);
  });
});
