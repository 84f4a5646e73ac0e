import type { TableColumns } from "./plan";
import type { PlannedLoad } from "./prepare";

// What a warehouse must do for Switchyard to load it. PostgreSQL implements it
// (lib/warehouses/postgres/loader.ts); a ClickHouse, BigQuery or Snowflake loader implements the
// same four calls and reuses everything else (flattening, planning, cursor, scheduling).

export interface ConnectionCheck {
  ok: boolean;
  /** Each step with what it found: address, login, create schema. */
  steps: { step: string; ok: boolean; message: string }[];
}

export interface WarehouseLoader {
  /** Reaches the host, signs in and checks the right to create schemas (without leaving one). */
  check(): Promise<ConnectionCheck>;
  /** The tables and columns of one schema (empty when the schema does not exist yet). */
  describe(schema: string): Promise<TableColumns>;
  /**
   * Loads one table's rows in ONE transaction: creates the schema/table or adds columns as the
   * plan says, inserts new ids (existing ids are left alone) or upserts users/accounts. The rows
   * come encoded in PostgreSQL's COPY text format (tab-separated, \N for NULL, backslash escapes),
   * in the plan's column order. Returns the rows written.
   */
  load(schema: string, plan: PlannedLoad, rows: Buffer[]): Promise<number>;
  /**
   * A deletion request (docs/privacy.md): removes every row of one user from one schema, in one
   * transaction: rows of call tables whose user_id (or anonymous_id) matches and, for a userId,
   * the user's row in `users`. Returns the rows removed.
   */
  deleteUser(schema: string, idType: "userId" | "anonymousId", idValue: string): Promise<number>;
  close(): Promise<void>;
  /**
   * Another loader for the same warehouse on a connection of its own, for loads to run side by
   * side (a sync loads different tables over two). Optional.
   */
  fork?(): WarehouseLoader;
}

/** A load or connection failure with a message fit for the sync history. */
export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
