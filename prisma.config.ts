import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { PrismaConfig } from "prisma";

// The CLI is only used for `prisma generate` and for writing new migration SQL
// (scripts/new-migration.ts); migrations are applied by lib/db/migrate.ts at start-up.
// engine "js" uses the WebAssembly schema engine, so nothing is downloaded.
process.env.DATABASE_URL ??= "file:./data/switchyard.db";

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "" });
  },
} satisfies PrismaConfig;
