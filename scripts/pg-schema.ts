// npm run db:pg-schema: writes prisma/postgresql/schema.prisma from prisma/schema.prisma and
// generates its client (lib/generated/prisma-pg). `--check` only compares (exit 1 on a difference).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { derivePostgresSchema, PG_CONFIG, PG_SCHEMA, SQLITE_SCHEMA } from "@/lib/db/pg-schema";

const derived = derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
const current = fs.existsSync(PG_SCHEMA) ? fs.readFileSync(PG_SCHEMA, "utf8") : "";
if (process.argv.includes("--check")) {
  if (current !== derived) {
    console.error(`${PG_SCHEMA} is out of date: run npm run db:pg-schema`);
    process.exit(1);
  }
  process.exit(0);
}
fs.mkdirSync(path.dirname(PG_SCHEMA), { recursive: true });
if (current !== derived) fs.writeFileSync(PG_SCHEMA, derived);
if (!process.argv.includes("--no-generate"))
  execFileSync("npx", ["prisma", "generate", "--config", PG_CONFIG], { stdio: "inherit" });
console.log(`${PG_SCHEMA} ${current === derived ? "was up to date" : "written"}.`);
