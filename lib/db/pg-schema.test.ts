import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsDir } from "@/lib/db/migrate";
import { type MigratedPg, openMigratedPg } from "@/lib/db/pg-fixtures";
import { derivePostgresSchema, PG_MIGRATIONS, PG_SCHEMA, SQLITE_SCHEMA } from "@/lib/db/pg-schema";
import { pgAvailable } from "@/lib/db/pg-testing";

describe("the PostgreSQL schema", () => {
  it("is exactly the one derived from prisma/schema.prisma (run `npm run db:pg-schema`)", () => {
    const derived = derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
    expect(fs.readFileSync(PG_SCHEMA, "utf8")).toBe(derived);
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).not.toContain('"sqlite"');
  });

  it("has a PostgreSQL migration folder for every SQLite one (same names)", () => {
    const names = (dir: string) =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    // The PostgreSQL history starts at 0001_init with the whole model; later SQLite migrations
    // each get a PostgreSQL twin with the same name (npm run db:new-migration writes both).
    const pg = names(PG_MIGRATIONS);
    expect(pg[0]).toBe("0001_init");
    const firstTwin = "0007";
    const sqliteLater = names(migrationsDir()).filter((n) => n >= firstTwin);
    const pgLater = pg.filter((n) => n >= firstTwin);
    expect(pgLater).toEqual(sqliteLater);
  });
});

/** PostgreSQL's information_schema data_type for each Prisma scalar type. */
const PG_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp without time zone",
  Float: "double precision",
};

/** Scalar columns per model with their Prisma type, read from the schema text (relation fields are skipped). */
function modelColumns(schema: string): Map<string, [string, string][]> {
  const models = new Map<string, [string, string][]>();
  let current: [string, string][] | null = null;
  for (const line of schema.split("\n")) {
    const model = /^model\s+(\w+)\s*\{/.exec(line);
    if (model) {
      current = [];
      models.set(model[1]!, current);
      continue;
    }
    if (/^\}/.test(line)) current = null;
    const field = /^\s+(\w+)\s+(String|Int|BigInt|Boolean|DateTime|Float)\??(\s|$)/.exec(line);
    if (current && field) current.push([field[1]!, field[2]!]);
  }
  return models;
}

// PostgreSQL at TEST_PG_URL (README); without one this check is skipped.
const available = await pgAvailable();
let pg: MigratedPg;
beforeAll(async () => {
  if (available) pg = await openMigratedPg();
});
afterAll(() => pg?.close());

describe.skipIf(!available)("the PostgreSQL migrations", () => {
  it("create every table and column of the model, with its type (a missing or drifted twin fails here)", async () => {
    const models = modelColumns(fs.readFileSync(PG_SCHEMA, "utf8"));
    expect(models.size).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const [model, columns] of models) {
      const { rows } = await pg.pool.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        [model],
      );
      const have = new Map(rows.map((r) => [r.column_name, r.data_type]));
      for (const [c, type] of columns) {
        const got = have.get(c);
        // Raw SQL binds epoch milliseconds to BigInt columns: a TIMESTAMP twin breaks them on PostgreSQL only.
        if (got !== PG_TYPES[type]) wrong.push(`${model}.${c}: ${got ?? "missing"}, model says ${type}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
