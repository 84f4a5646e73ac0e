import { randomBytes } from "node:crypto";
import pg from "pg";

// A throw-away PostgreSQL database on the machine's server (127.0.0.1:5432, trust auth) for one
// test file or benchmark run: uniquely named, dropped afterwards.

export const PG_HOST = process.env.WAREHOUSE_TEST_PG_HOST ?? "127.0.0.1";
export const PG_PORT = Number(process.env.WAREHOUSE_TEST_PG_PORT ?? 5432);

export interface TempPostgres {
  database: string;
  settings: {
    host: string;
    port: number;
    database: string;
    username: string;
    sslMode: "disable";
    syncIntervalMinutes: number;
  };
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

const admin = () => new pg.Client({ host: PG_HOST, port: PG_PORT, user: "postgres", database: "postgres" });

export async function tempPostgres(prefix = "sy_wh"): Promise<TempPostgres> {
  const database = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const a = admin();
  await a.connect();
  await a.query(`CREATE DATABASE "${database}"`);
  await a.end();
  const client = new pg.Client({ host: PG_HOST, port: PG_PORT, user: "postgres", database });
  await client.connect();
  return {
    database,
    settings: {
      host: PG_HOST,
      port: PG_PORT,
      database,
      username: "postgres",
      sslMode: "disable",
      syncIntervalMinutes: 60,
    },
    async query(sql, params) {
      return (await client.query(sql, params)).rows;
    },
    async drop() {
      await client.end().catch(() => {});
      const b = admin();
      await b.connect();
      await b.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await b.end();
    },
  };
}
