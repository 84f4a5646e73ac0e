// npm run db:pg-twins: writes the PostgreSQL twin of every SQLite migration that has none, in
// order (after merging a branch that added SQLite migrations, see docs/development.md). A twin
// is the same change as its SQLite migration, taken from git: the schema in the commit that added
// the migration, against the schema in that commit's parent (what `db:new-migration` diffed),
// both derived for PostgreSQL. `--dry-run NAME` prints one twin without writing.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { migrationsDir } from "@/lib/db/migrate";
import { pgMigrationNames } from "@/lib/db/pg-migrate";
import { derivePostgresSchema, PG_CONFIG, PG_MIGRATIONS } from "@/lib/db/pg-schema";

// Twins start after the migrations PostgreSQL's 0001_init already holds.
const FIRST_TWIN = "0007";
const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();

function twin(name: string): string {
  const commit = git(
    "log",
    "--diff-filter=A",
    "--format=%H",
    "-1",
    "--",
    `prisma/migrations/${name}/migration.sql`,
  );
  if (!commit) throw new Error(`${name}: not committed yet (commit it with its schema change first)`);
  const before = path.join("prisma", "postgresql", ".twin-before.prisma");
  const after = path.join("prisma", "postgresql", ".twin-after.prisma");
  fs.writeFileSync(before, derivePostgresSchema(git("show", `${commit}^:prisma/schema.prisma`)));
  fs.writeFileSync(after, derivePostgresSchema(git("show", `${commit}:prisma/schema.prisma`)));
  try {
    return execFileSync(
      "npx",
      [
        "prisma",
        "migrate",
        "diff",
        "--config",
        PG_CONFIG,
        "--from-schema-datamodel",
        before,
        "--to-schema-datamodel",
        after,
        "--script",
      ],
      { encoding: "utf8" },
    );
  } finally {
    fs.rmSync(before, { force: true });
    fs.rmSync(after, { force: true });
  }
}

const dry = process.argv.indexOf("--dry-run");
if (dry >= 0) {
  process.stdout.write(twin(process.argv[dry + 1] ?? ""));
  process.exit(0);
}
const have = new Set(pgMigrationNames());
const missing = fs
  .readdirSync(migrationsDir(), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name >= FIRST_TWIN && !have.has(d.name))
  .map((d) => d.name)
  .sort();
for (const name of missing) {
  const target = path.join(PG_MIGRATIONS, name);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, "migration.sql"), twin(name));
  console.log(`wrote ${target}/migration.sql`);
}
if (missing.length === 0) console.log("every SQLite migration has its PostgreSQL twin");
else
  console.log(
    "review them, then: npm run db:pg-schema, and the PostgreSQL test passes (docs/development.md)",
  );
