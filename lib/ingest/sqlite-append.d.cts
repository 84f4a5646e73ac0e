import type Database from "better-sqlite3";

export type InsertOne<R> = (statement: Database.Statement, rows: R, i: number) => Database.RunResult;

export type Append = <R>(
  insert: InsertOne<R>,
  rows: R,
  i: number,
  workspaceId: string,
  dedupKey: string | null,
  windowStart: number,
) => number;

export function createAppender(
  db: Database.Database,
  sql: { insertMessage: string; findKey: string; releaseKey: string },
): Append;
