// npm run db:new-migration -- <name>: writes prisma/migrations/NNNN_<name>/migration.sql with the
// SQL that takes the last committed prisma/schema.prisma (which the committed migrations produce)
// to the edited one. Diffing two schema files needs no database; Prisma's --from-url does not
// work with the driver-adapter config this project needs offline.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { migrationsDir } from "@/lib/db/migrate";
import { derivePostgresSchema, PG_CONFIG, PG_MIGRATIONS, PG_SCHEMA, SQLITE_SCHEMA } from "@/lib/db/pg-schema";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const base = process.env.BASE_REF ?? "HEAD";
// Beside the real schema: Prisma resolves the generator's paths relative to the schema file.
const previous = path.join("prisma", ".base-schema.prisma");
// prisma.config.ts opens DATABASE_URL's file even for a diff; on a fresh clone its folder is missing.
fs.mkdirSync("data", { recursive: true });
fs.writeFileSync(
  previous,
  execFileSync("git", ["show", `${base}:prisma/schema.prisma`], { encoding: "utf8" }),
);
const sql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    "--from-schema-datamodel",
    previous,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { encoding: "utf8" },
);
if (!/CREATE|ALTER|DROP/i.test(sql)) {
  console.log(`prisma/schema.prisma matches ${base}: nothing to write.`);
  process.exit(0);
}
const dir = migrationsDir();
// After the highest number, not the count: the history has a gap (there is no 0007).
const numbers = fs
  .readdirSync(dir)
  .filter((d) => /^\d{4}_/.test(d))
  .map((d) => Number(d.slice(0, 4)));
const next = String(Math.max(0, ...numbers) + 1).padStart(4, "0");
const target = path.join(dir, `${next}_${name}`);
fs.mkdirSync(target);
fs.writeFileSync(path.join(target, "migration.sql"), sql);

// The PostgreSQL twin: the same change between the two schemas derived for PostgreSQL, under the
// same folder name in prisma/postgresql/migrations (docs/development.md, "Two databases").
const pgPrevious = path.join("prisma", "postgresql", ".base-schema.prisma");
fs.writeFileSync(pgPrevious, derivePostgresSchema(fs.readFileSync(previous, "utf8")));
fs.writeFileSync(PG_SCHEMA, derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8")));
const pgSql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    "--config",
    PG_CONFIG,
    "--from-schema-datamodel",
    pgPrevious,
    "--to-schema-datamodel",
    PG_SCHEMA,
    "--script",
  ],
  { encoding: "utf8" },
);
fs.rmSync(pgPrevious);
const pgTarget = path.join(PG_MIGRATIONS, `${next}_${name}`);
fs.mkdirSync(pgTarget, { recursive: true });
fs.writeFileSync(path.join(pgTarget, "migration.sql"), pgSql);
console.log(
  `wrote ${path.relative(process.cwd(), target)}/migration.sql and ${pgTarget}/migration.sql (from ${base}'s schema) — review them, run npm run db:generate, then commit.`,
);
