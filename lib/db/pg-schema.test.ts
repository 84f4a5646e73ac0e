import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { migrationsDir } from "@/lib/db/migrate";
import { derivePostgresSchema, PG_MIGRATIONS, PG_SCHEMA, SQLITE_SCHEMA } from "@/lib/db/pg-schema";

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
