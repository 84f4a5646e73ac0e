import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { dialectOf } from "@/lib/db/dialect";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "@/lib/generated/prisma-pg/client";

// One Prisma client per process (kept on globalThis: Next's bundle and the custom server
// load this module separately and must share the client). Secret columns are omitted from
// default selects; code that needs them asks with `omit: { col: false }`.

const key = Symbol.for("switchyard.prisma");

const OMIT = {
  user: { passwordHash: true },
  source: { writeKeyCipher: true, writeKeyHash: true },
  destination: { secretsCipher: true },
  invitation: { tokenHash: true },
  functionInstance: { secretsCipher: true, tokenCipher: true, tokenHash: true },
} as const;

// With a PostgreSQL DATABASE_URL the client generated from the derived schema
// (prisma/postgresql/schema.prisma, lib/db/pg-schema.ts) is used. Both are generated from one
// model with one-to-one types, so the PostgreSQL client is typed as the SQLite one.
function create() {
  return createPrisma(env().DATABASE_URL);
}

/** A client for a given DATABASE_URL (tests that seed a second server's database). */
export function createPrisma(url: string) {
  if (dialectOf(url) === "postgresql") {
    const pg = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url }), omit: OMIT });
    return pg as unknown as ReturnType<typeof createSqlite>;
  }
  return createSqlite(url);
}

function createSqlite(url: string) {
  const adapter = new PrismaBetterSQLite3({ url, timeout: 10_000 });
  return new PrismaClient({
    adapter,
    omit: {
      user: { passwordHash: true },
      source: { writeKeyCipher: true, writeKeyHash: true },
      destination: { secretsCipher: true },
      invitation: { tokenHash: true },
      functionInstance: { secretsCipher: true, tokenCipher: true, tokenHash: true },
    },
  });
}

type Client = ReturnType<typeof create>;
type G = typeof globalThis & { [key]?: Client };

export function getDb(): Client {
  const g = globalThis as G;
  g[key] ??= create();
  return g[key];
}

export const db: Client = new Proxy({} as Client, {
  get: (_t, prop) => Reflect.get(getDb(), prop),
});

export type Db = Client;
