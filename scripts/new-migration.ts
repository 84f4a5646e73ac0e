// npm run db:new-migration -- <name>: writes prisma/migrations/NNNN_<name>/migration.sql with the
// SQL that takes the committed migrations to the current prisma/schema.prisma. It replays the
// existing migrations into a throw-away SQLite file and asks Prisma for the difference.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate, migrationsDir } from "@/lib/db/migrate";
import { openSqlite } from "@/lib/db/sqlite";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const dir = migrationsDir();
const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-migrate-")), "base.db");
const db = openSqlite(tmp);
migrate(db, dir);
db.close();
const url = `file:${tmp}`;
const sql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    "--from-url",
    url,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" },
);
if (!/CREATE|ALTER|DROP/i.test(sql)) {
  console.log("The schema matches the migrations: nothing to write.");
  process.exit(0);
}
const next = String(fs.readdirSync(dir).filter((d) => /^\d{4}_/.test(d)).length + 1).padStart(4, "0");
const target = path.join(dir, `${next}_${name}`);
fs.mkdirSync(target);
fs.writeFileSync(path.join(target, "migration.sql"), sql);
console.log(`wrote ${path.relative(process.cwd(), target)}/migration.sql — review it, then commit it.`);
