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

/** Scalar columns per model, read from the schema text (relation fields are skipped). */
function modelColumns(schema: string): Map<string, string[]> {
  const models = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of schema.split("\n")) {
    const model = /^model\s+(\w+)\s*\{/.exec(line);
    if (model) {
      current = [];
      models.set(model[1]!, current);
      continue;
    }
    if (/^\}/.test(line)) current = null;
    const field = /^\s+(\w+)\s+(String|Int|BigInt|Boolean|DateTime|Float)\??(\s|$)/.exec(line);
    if (current && field) current.push(field[1]!);
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
  it("create every table and column of the model (a missing twin after a merge fails here)", async () => {
    const models = modelColumns(fs.readFileSync(PG_SCHEMA, "utf8"));
    expect(models.size).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const [model, columns] of models) {
      const { rows } = await pg.pool.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        [model],
      );
      const have = new Set(rows.map((r) => r.column_name));
      for (const c of columns) if (!have.has(c)) missing.push(`${model}.${c}`);
    }
    expect(missing).toEqual([]);
  });
});
