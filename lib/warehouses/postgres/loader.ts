import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { ColumnType } from "@/lib/warehouses/flatten";
import type { ConnectionCheck, WarehouseLoader } from "@/lib/warehouses/loader";
import { q } from "@/lib/warehouses/naming";
import type { TableColumns } from "@/lib/warehouses/plan";
import type { PlannedLoad } from "@/lib/warehouses/prepare";
import { connectPostgres, describePgError, type PostgresSettings, resolveAllowed } from "./connect";

// The PostgreSQL loader. One table batch = one transaction, in the common case one round trip:
//   BEGIN; CREATE SCHEMA/TABLE IF NOT EXISTS; ALTER TABLE ADD COLUMN IF NOT EXISTS (new keys);
//   SAVEPOINT; COPY the rows straight into the table; COMMIT   (one simple query)
// When the primary key refuses that COPY (an id already stored) or for users/accounts, two more:
//   CREATE TEMP TABLE staging; COPY the rows into it         (for users/accounts after BEGIN and DDL)
//   INSERT INTO target SELECT … FROM staging ON CONFLICT (id) DO NOTHING; COMMIT      (call tables)
//   INSERT … ON CONFLICT (id) DO UPDATE SET col = COALESCE(new, old) WHERE newer; COMMIT  (users, accounts)
// The primary key on id makes a batch loaded twice (after a crash before the cursor moved)
// change nothing: dedup on messageId holds forever, not only for 24 hours.

const PG_TYPES: Record<string, ColumnType> = {
  bigint: "bigint",
  integer: "bigint",
  smallint: "bigint",
  "double precision": "double precision",
  real: "double precision",
  numeric: "double precision",
  boolean: "boolean",
  "timestamp with time zone": "timestamptz",
  "timestamp without time zone": "timestamptz",
};

export class PostgresLoader implements WarehouseLoader {
  private client: pg.Client | null = null;

  constructor(
    private readonly settings: PostgresSettings,
    private readonly allowPrivate: boolean,
    /** Schemas known to exist (shared with forks). */
    private readonly schemas = new Set<string>(),
  ) {}

  fork(): PostgresLoader {
    return new PostgresLoader(this.settings, this.allowPrivate, this.schemas);
  }

  private async conn(): Promise<pg.Client> {
    this.client ??= await connectPostgres(this.settings, this.allowPrivate);
    return this.client;
  }

  async check(): Promise<ConnectionCheck> {
    const steps: ConnectionCheck["steps"] = [];
    const fail = (step: string, err: unknown) => {
      steps.push({ step, ok: false, message: describePgError(err).message });
      return { ok: false, steps };
    };
    try {
      const address = await resolveAllowed(this.settings.host, this.allowPrivate);
      steps.push({ step: "address", ok: true, message: `${this.settings.host} → ${address}, allowed` });
    } catch (err) {
      return fail("address", err);
    }
    let client: pg.Client;
    try {
      client = await this.conn();
      const who = await client.query("SELECT current_user AS u, version() AS v");
      const version = String(who.rows[0]?.v ?? "")
        .split(" ")
        .slice(0, 2)
        .join(" ");
      steps.push({ step: "sign-in", ok: true, message: `Signed in as ${who.rows[0]?.u} (${version})` });
    } catch (err) {
      return fail("sign-in", err);
    }
    const probe = `switchyard_check_${randomBytes(4).toString("hex")}`;
    try {
      await client.query("BEGIN");
      await client.query(`CREATE SCHEMA ${q(probe)}`);
      await client.query(`CREATE TABLE ${q(probe)}.probe (id text PRIMARY KEY)`);
      steps.push({ step: "create schema", ok: true, message: "May create schemas and tables" });
    } catch (err) {
      return fail("create schema", err);
    } finally {
      await client.query("ROLLBACK").catch(() => {});
    }
    return { ok: true, steps };
  }

  async describe(schema: string): Promise<TableColumns> {
    const client = await this.conn();
    const res = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const out: TableColumns = new Map();
    for (const r of res.rows) {
      const cols = out.get(r.table_name) ?? new Map<string, ColumnType>();
      cols.set(r.column_name, PG_TYPES[r.data_type] ?? "text");
      out.set(r.table_name, cols);
    }
    if (out.size) this.schemas.add(schema);
    return out;
  }

  async deleteUser(schema: string, idType: "userId" | "anonymousId", idValue: string): Promise<number> {
    const tables = await this.describe(schema);
    if (tables.size === 0) return 0;
    const column = idType === "userId" ? "user_id" : "anonymous_id";
    const client = await this.conn();
    let removed = 0;
    await client.query("BEGIN");
    try {
      for (const [table, cols] of tables) {
        // users is keyed by the userId itself (id); every call table carries user_id / anonymous_id.
        const key = table === "users" && idType === "userId" ? "id" : cols.has(column) ? column : null;
        if (!key) continue;
        const res = await client.query(`DELETE FROM ${q(schema)}.${q(table)} WHERE ${q(key)} = $1`, [
          idValue,
        ]);
        removed += res.rowCount ?? 0;
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    }
    return removed;
  }

  async load(schema: string, plan: PlannedLoad, rows: Buffer[]): Promise<number> {
    if (!plan.count) return 0;
    const client = await this.conn();
    const target = `${q(schema)}.${q(plan.table)}`;
    const cols = plan.columns.map(q).join(", ");
    // Round trips are most of a table's load on a busy machine (each one waits for the server
    // and then for this process to be scheduled): the statements before the rows go with them.
    const before = ["BEGIN"];
    if (!this.schemas.has(schema)) before.push(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
    if (!plan.exists) {
      const defs = plan.add.map(([c, t]) => `${q(c)} ${t}${c === "id" ? " PRIMARY KEY" : ""}`);
      before.push(`CREATE TABLE IF NOT EXISTS ${target} (${defs.join(", ")})`);
    }
    // IF NOT EXISTS: a new table above already has them; a concurrent add is harmless.
    const adds = plan.add.filter(([c]) => c !== "id" || plan.exists);
    if (adds.length)
      before.push(
        `ALTER TABLE ${target} ${adds.map(([c, t]) => `ADD COLUMN IF NOT EXISTS ${q(c)} ${t}`).join(", ")}`,
      );
    try {
      if (plan.mode === "insert" && (await this.copyDirect(client, before, target, cols, rows))) {
        this.schemas.add(schema);
        return plan.count;
      }
      // Upserts, or a COPY the primary key refused (its transaction is still open).
      const count = await this.viaStaging(
        client,
        plan.mode === "upsert" ? before : [],
        target,
        cols,
        plan,
        rows,
      );
      this.schemas.add(schema);
      return count;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw describePgError(err);
    }
  }

  /**
   * The fast path, one round trip: BEGIN and the table's DDL, a savepoint, COPY straight into the
   * table and COMMIT in one simple query (the server runs the statements in order and takes the
   * rows when it reaches the COPY). New ids are the common case; if any id is already there (a copy
   * sent again after 24 h, a batch re-loaded after a crash) the primary key refuses the COPY, the
   * server skips the COMMIT, and the savepoint undoes the COPY: false then, with the transaction
   * (and its DDL) still open for the staging path.
   */
  private async copyDirect(
    client: pg.Client,
    before: string[],
    target: string,
    cols: string,
    rows: Buffer[],
  ): Promise<boolean> {
    const sql = [...before, "SAVEPOINT direct_copy", `COPY ${target} (${cols}) FROM STDIN`, "COMMIT"];
    try {
      await pipeline(Readable.from(rows), client.query(copyFrom(sql.join("; "))));
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== "23505") throw err;
      await client.query("ROLLBACK TO SAVEPOINT direct_copy");
      return false;
    }
  }

  /**
   * COPY into a temporary table, then INSERT … ON CONFLICT: skips existing ids, or upserts; then
   * COMMIT. Two round trips: `before` (BEGIN and DDL, for upserts), the temporary table and the COPY
   * in one simple query, the INSERT and COMMIT in another.
   */
  private async viaStaging(
    client: pg.Client,
    before: string[],
    target: string,
    cols: string,
    plan: PlannedLoad,
    rows: Buffer[],
  ): Promise<number> {
    const stage = `stage_${plan.table}`.slice(0, 63);
    const create = `CREATE TEMP TABLE ${q(stage)} (${plan.columns.map((c, i) => `${q(c)} ${plan.types[i]}`).join(", ")}) ON COMMIT DROP`;
    await pipeline(
      Readable.from(rows),
      client.query(copyFrom([...before, create, `COPY ${q(stage)} (${cols}) FROM STDIN`].join("; "))),
    );
    const insert =
      plan.mode === "insert"
        ? `INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${q(stage)} ON CONFLICT ("id") DO NOTHING`
        : `INSERT INTO ${target} AS t (${cols}) SELECT ${cols} FROM ${q(stage)}
           ON CONFLICT ("id") DO UPDATE SET ${plan.columns
             .filter((c) => c !== "id")
             .map((c) => `${q(c)} = COALESCE(EXCLUDED.${q(c)}, t.${q(c)})`)
             .join(", ")}
           WHERE EXCLUDED."received_at" >= t."received_at" OR t."received_at" IS NULL`;
    // Several statements answer with one result each: the INSERT's is the first.
    const res = (await client.query(`${insert}; COMMIT`)) as unknown as pg.QueryResult[];
    return res[0]?.rowCount ?? 0;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}
