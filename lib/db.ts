import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

// One Prisma client per process (kept on globalThis: Next's bundle and the custom server
// load this module separately and must share the client). Secret columns are omitted from
// default selects; code that needs them asks with `omit: { col: false }`.

const key = Symbol.for("switchyard.prisma");

function create() {
  const adapter = new PrismaBetterSQLite3({ url: env().DATABASE_URL, timeout: 10_000 });
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
