import type pg from "pg";

// bigint columns hold epoch milliseconds and sequence numbers, all below 2^53: they are read as JS
// numbers, like better-sqlite3 returns them. Set on the raw pools (lib/db/pg.ts) and on the
// warehouse preparing thread's archive reader only: the process-wide parsers stay pg's own for the
// other clients (warehouse loads, tests' admin connections). A module of its own, over the driver's
// parsers passed in, so the preparing thread loads neither the driver nor the server's
// configuration until it reads a PostgreSQL archive.
export function bigintAsNumber(types: typeof pg.types) {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20 ? Number : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser,
  };
}
