import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaConfig } from "prisma";

// The PostgreSQL twin of ../../prisma.config.ts, for `prisma generate` and `prisma migrate diff`
// on the derived schema (paths are relative to this file) (scripts/pg-schema.ts, scripts/new-migration.ts). Migrations are applied
// at start by lib/db/pg-migrate.ts, not by the Prisma CLI.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "" });
  },
} satisfies PrismaConfig;
