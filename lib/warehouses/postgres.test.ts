import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  archive,
  insertDestination,
  insertFilter,
  insertWorkspaceAndSource,
  TEST_KEY,
  tempDb,
} from "@/lib/delivery/testing/fixtures";
import { DeletionIncomplete, deleteFromWarehouses } from "./deletion";
import { PostgresLoader } from "./postgres/loader";
import { startWarehouseScheduler } from "./scheduler";
import * as store from "./store";
import { type TempPostgres, tempPostgres } from "./testing";

// Against the machine's real PostgreSQL: a fresh database for this file, dropped at the end.

let pgdb: TempPostgres;
beforeAll(async () => {
  pgdb = await tempPostgres();
});
afterAll(async () => {
  await pgdb?.drop();
});

function setup(opts: { enabled?: boolean } = {}) {
  const { db } = tempDb("switchyard-warehouse-");
  const { workspaceId, sourceId } = insertWorkspaceAndSource(db);
  db.prepare(`UPDATE "Source" SET "slug" = ? WHERE "id" = ?`).run(
    `web-${sourceId.replace(/_/g, "-")}`,
    sourceId,
  );
  const destinationId = insertDestination(db, {
    workspaceId,
    sourceIds: [sourceId],
    type: "postgres",
    settings: { ...pgdb.settings },
    enabled: opts.enabled ?? false,
  });
  const scheduler = startWarehouseScheduler({
    db,
    encryptionKey: () => TEST_KEY,
    allowPrivate: () => true,
    tickMs: 3_600_000,
  });
  const schema = () => store.listSchemas(db, destinationId)[0]!.schemaName;
  const sync = async () => {
    store.queueRun(db, { id: destinationId, workspaceId }, "manual", Date.now(), null);
    await scheduler.tick();
    return store.listRuns(db, destinationId, 1)[0]!;
  };
  const rows = (table: string, order = "received_at, id") =>
    pgdb.query(`SELECT * FROM "${schema()}"."${table}" ORDER BY ${order}`);
  const columns = async (table: string) =>
    Object.fromEntries(
      (
        await pgdb.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
          [schema(), table],
        )
      ).map((r) => [r.column_name, r.data_type]),
    );
  return { db, workspaceId, sourceId, destinationId, scheduler, sync, rows, columns, schema };
}

describe("PostgreSQL warehouse", () => {
  it("loads all six calls into Segment's tables and columns", async () => {
    const t = setup();
    archive(t.db, t, [
      {
        type: "track",
        event: "Order Completed",
        userId: "u1",
        properties: {
          total: 42.5,
          items: 3,
          coupon: "SPRING",
          paid: true,
          cart: { size: "L" },
          tags: ["a", "b"],
        },
        context: { page: { path: "/checkout" }, library: { name: "analytics.js", version: "2.1" } },
        anonymousId: "a0",
        timestamp: "2026-12-01T10:00:00.000Z",
        sentAt: "2026-12-01T10:00:00.000Z",
      },
      { type: "identify", userId: "u1", traits: { email: "ada@example.com", firstName: "Ada" } },
      { type: "page", userId: "u1", name: "Pricing", properties: { path: "/pricing", title: "Pricing" } },
      { type: "screen", anonymousId: "a1", name: "Cart", properties: { step: 2 } },
      { type: "group", userId: "u1", groupId: "acme", traits: { name: "Acme", employees: 50 } },
      { type: "alias", userId: "u1", previousId: "anon-7" },
    ]);
    const run = await t.sync();
    expect(run).toMatchObject({ status: "succeeded", messages: 6, pending: 0 });
    const s = t.schema();
    expect(JSON.parse(run.rows)).toEqual({
      [`${s}.tracks`]: 1,
      [`${s}.order_completed`]: 1,
      [`${s}.identifies`]: 1,
      [`${s}.users`]: 1,
      [`${s}.pages`]: 1,
      [`${s}.screens`]: 1,
      [`${s}.groups`]: 1,
      [`${s}.accounts`]: 1,
      [`${s}.aliases`]: 1,
    });
    const [order] = await t.rows("order_completed");
    expect(order).toMatchObject({
      event: "order_completed",
      event_text: "Order Completed",
      user_id: "u1",
      total: 42.5,
      items: "3", // bigint comes back from pg as a string
      coupon: "SPRING",
      paid: true,
      cart_size: "L",
      tags: '["a","b"]',
      context_page_path: "/checkout",
      context_library_name: "analytics.js",
      context_ip: "203.0.113.9",
    });
    expect((order!.original_timestamp as Date).toISOString()).toBe("2026-12-01T10:00:00.000Z");
    // timestamp is the server's skew-corrected event time (receivedAt - (sentAt - originalTimestamp)).
    expect((order!.timestamp as Date).getTime()).toBe((order!.received_at as Date).getTime());
    expect(await t.columns("order_completed")).toMatchObject({
      id: "text",
      total: "double precision",
      items: "bigint",
      paid: "boolean",
      received_at: "timestamp with time zone",
      uuid_ts: "timestamp with time zone",
      original_timestamp: "timestamp with time zone",
      sent_at: "timestamp with time zone",
      anonymous_id: "text",
    });
    expect(await t.rows("tracks")).toMatchObject([
      { event: "order_completed", event_text: "Order Completed" },
    ]);
    expect(await t.columns("tracks")).not.toHaveProperty("total");
    expect(await t.rows("identifies")).toMatchObject([
      { user_id: "u1", email: "ada@example.com", first_name: "Ada" },
    ]);
    expect(await t.rows("users")).toMatchObject([{ id: "u1", email: "ada@example.com", first_name: "Ada" }]);
    expect(await t.rows("pages")).toMatchObject([{ name: "Pricing", path: "/pricing", title: "Pricing" }]);
    expect(await t.rows("screens")).toMatchObject([{ name: "Cart", step: "2", anonymous_id: "a1" }]);
    expect(await t.rows("groups")).toMatchObject([{ group_id: "acme", name: "Acme", employees: "50" }]);
    expect(await t.rows("accounts")).toMatchObject([{ id: "acme", name: "Acme", employees: "50" }]);
    expect(await t.rows("aliases")).toMatchObject([{ user_id: "u1", previous_id: "anon-7" }]);
  });

  it("adds a column for a new property, keeps users' latest traits, and survives a type conflict", async () => {
    const t = setup();
    archive(t.db, t, [
      { type: "track", event: "Signed Up", userId: "u1", properties: { plan: "pro", seats: 3 } },
      { type: "identify", userId: "u1", traits: { plan: "free", city: "Oslo" } },
    ]);
    expect((await t.sync()).status).toBe("succeeded");
    expect(await t.columns("signed_up")).not.toHaveProperty("referrer");
    archive(t.db, t, [
      {
        type: "track",
        event: "Signed Up",
        userId: "u2",
        properties: { plan: "team", seats: "many", referrer: "ads" },
      },
      { type: "identify", userId: "u1", traits: { plan: "pro" } },
    ]);
    const run = await t.sync();
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(await t.columns("signed_up")).toMatchObject({
      referrer: "text",
      seats: "bigint",
      _conflicts: "text",
    });
    const rows = await t.rows("signed_up", "user_id");
    expect(rows).toMatchObject([
      { user_id: "u1", seats: "3", referrer: null, _conflicts: null },
      { user_id: "u2", seats: null, referrer: "ads", _conflicts: '{"seats":"many"}' },
    ]);
    // users: the latest value of each trait, traits absent from the newer call kept.
    expect(await t.rows("users")).toMatchObject([{ id: "u1", plan: "pro", city: "Oslo" }]);
  });

  it("dates PostgreSQL would refuse (30 February, year 0, a +16:00 zone) never fail the load", async () => {
    const t = setup();
    archive(t.db, t, [{ type: "track", event: "Renewed", userId: "u1", properties: { on: "2026-03-01" } }]);
    expect((await t.sync()).status).toBe("succeeded");
    expect(await t.columns("renewed")).toMatchObject({ on: "timestamp with time zone" });
    const odd = ["2026-02-30", "2100-02-29", "2026-01-01T00:00:00+16:00", "0000-01-01"];
    archive(
      t.db,
      t,
      odd.map((on, i) => ({
        type: "track",
        event: "Renewed",
        userId: `u${i + 2}`,
        properties: { on, also: "2026-04-31" },
      })),
    );
    expect(await t.sync()).toMatchObject({ status: "succeeded", error: null });
    // The timestamp column keeps its type, the refused dates are kept in _conflicts; a new column
    // whose values are no real dates is text.
    expect(await t.columns("renewed")).toMatchObject({ on: "timestamp with time zone", also: "text" });
    const rows = await t.rows("renewed", "user_id");
    expect(rows.map((r) => [r.on === null, r._conflicts])).toEqual([
      [false, null],
      ...odd.map((on) => [true, JSON.stringify({ on })]),
    ]);
  });

  it("stores a messageId sent again 25 hours later once", async () => {
    const t = setup();
    const dayAndAHour = 25 * 3600_000;
    const first = archive(
      t.db,
      t,
      [{ type: "track", event: "Paid", userId: "u1", messageId: "m-dup" }],
      Date.now() - dayAndAHour,
    );
    expect((await t.sync()).status).toBe("succeeded");
    // The archive's own dedup window is 24 hours: the second copy is accepted and archived again.
    const second = archive(t.db, t, [{ type: "track", event: "Paid", userId: "u1", messageId: "m-dup" }]);
    expect(first[0]).not.toBeNull();
    expect(second[0]).not.toBeNull();
    const run = await t.sync();
    expect(run).toMatchObject({ status: "succeeded", messages: 1 });
    expect(JSON.parse(run.rows)).toEqual({ [`${t.schema()}.tracks`]: 0, [`${t.schema()}.paid`]: 0 });
    expect(await t.rows("tracks")).toHaveLength(1);
    expect(await t.rows("paid")).toHaveLength(1);
  });

  it("loads messages that integrations All:false and destination filters stop for other destinations", async () => {
    const t = setup();
    insertFilter(t.db, { destinationId: t.destinationId, condition: "type = 'track'", action: "drop" });
    archive(t.db, t, [
      { type: "track", event: "Hidden", userId: "u1", integrations: { All: false } },
      { type: "track", event: "Hidden", userId: "u2", integrations: { Postgres: false } },
    ]);
    expect((await t.sync()).status).toBe("succeeded");
    expect(await t.rows("hidden", "user_id")).toMatchObject([{ user_id: "u1" }, { user_id: "u2" }]);
  });

  it("honours the tracking plan and schema event filters: blocked messages add no row, omitted fields are not loaded", async () => {
    const t = setup();
    archive(t.db, t, [
      {
        type: "track",
        event: "Planned",
        userId: "kept",
        messageId: "p-1",
        properties: { total: 1, bad: "x" },
      },
      { type: "track", event: "Planned", userId: "blocked", messageId: "p-2", properties: { total: 2 } },
    ]);
    const verdict = (id: string, v: object) =>
      t.db.prepare(`UPDATE "Message" SET "protocol" = ? WHERE "messageId" = ?`).run(JSON.stringify(v), id);
    verdict("p-1", { omitted: [{ step: "tracking_plan", path: "properties.bad" }] });
    verdict("p-2", { blocked: { step: "schema_event_filter", reason: "blocked in the Schema" } });
    expect((await t.sync()).status).toBe("succeeded");
    const planned = await t.rows("planned", "user_id");
    expect(planned.map((r) => r.user_id)).toEqual(["kept"]);
    expect(Number(planned[0]!.total)).toBe(1);
    expect(Object.keys(await t.columns("planned"))).not.toContain("bad");
  });

  it("Selective Sync: a switched-off table or column is not loaded from then on", async () => {
    const t = setup();
    archive(t.db, t, [
      { type: "track", event: "Viewed", userId: "u1", properties: { secret: "x", keep: 1 } },
    ]);
    await t.sync();
    store.replaceSelection(
      t.db,
      t.destinationId,
      [
        { tableName: "viewed", columnName: "secret" },
        { tableName: "pages", columnName: "" },
      ],
      new Date(),
    );
    archive(t.db, t, [
      { type: "track", event: "Viewed", userId: "u2", properties: { secret: "y", keep: 2 } },
      { type: "page", userId: "u2", name: "Home" },
    ]);
    const run = await t.sync();
    expect(run.status).toBe("succeeded");
    expect(JSON.parse(run.rows)).not.toHaveProperty(`${t.schema()}.pages`);
    expect(await t.rows("viewed", "user_id")).toMatchObject([
      { user_id: "u1", secret: "x", keep: "1" },
      { user_id: "u2", secret: null, keep: "2" },
    ]);
    // A sync with nothing new keeps the tables and columns the console lists for Selective Sync.
    expect((await t.sync()).messages).toBe(0);
    const seen = JSON.parse(store.findState(t.db, t.destinationId)!.columns);
    expect(Object.keys(seen[t.schema()])).toEqual(expect.arrayContaining(["tracks", "viewed"]));
    expect(seen[t.schema()].viewed).toHaveProperty("keep", "bigint");
    const tables = await pgdb.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [t.schema()],
    );
    expect(tables.map((r) => r.table_name)).not.toContain("pages");
  });

  it("records a failure with its message and retries after a backoff; the schema name is fixed once loaded", async () => {
    const t = setup({ enabled: true });
    archive(t.db, t, [{ type: "track", event: "A", userId: "u1" }]);
    t.db
      .prepare(`UPDATE "Destination" SET "settings" = ? WHERE "id" = ?`)
      .run(JSON.stringify({ ...pgdb.settings, database: "sy_wh_does_not_exist" }), t.destinationId);
    await t.scheduler.tick();
    const [failed] = store.listRuns(t.db, t.destinationId, 1);
    expect(failed).toMatchObject({
      status: "failed",
      error: "The database does not exist",
      pending: 1,
      trigger: "schedule",
    });
    const state = store.findState(t.db, t.destinationId)!;
    expect(state.failures).toBe(1);
    expect(state.nextSyncAt - Date.now()).toBeGreaterThan(20_000);
    expect(store.listSchemas(t.db, t.destinationId)[0]!.fixedAt).toBeNull();
    expect(store.setSchemaName(t.db, t.destinationId, t.sourceId, "marketing_site")).toBe(true);
    t.db
      .prepare(`UPDATE "Destination" SET "settings" = ? WHERE "id" = ?`)
      .run(JSON.stringify(pgdb.settings), t.destinationId);
    expect((await t.sync()).status).toBe("succeeded");
    expect(t.schema()).toBe("marketing_site");
    expect(await t.rows("tracks")).toHaveLength(1);
    expect(store.setSchemaName(t.db, t.destinationId, t.sourceId, "other")).toBe(false);
  });

  it("a deletion request removes the user's rows from every table of the warehouse, and only theirs", async () => {
    const t = setup();
    archive(t.db, t, [
      { type: "track", event: "Order Completed", userId: "gone", properties: { total: 1 } },
      { type: "identify", userId: "gone", traits: { email: "gone@example.com" } },
      { type: "page", userId: "gone", name: "Home" },
      { type: "alias", userId: "gone", previousId: "anon-gone" },
      { type: "track", event: "Order Completed", userId: "stays", properties: { total: 2 } },
      { type: "identify", userId: "stays", traits: { email: "stays@example.com" } },
      { type: "screen", anonymousId: "anon-only", name: "Cart" },
    ]);
    expect((await t.sync()).status).toBe("succeeded");
    const byUser = { workspaceId: t.workspaceId, idType: "userId" as const, idValue: "gone" };
    const loaderFor = (_type: string, settings: Record<string, unknown>) =>
      new PostgresLoader(settings as unknown as typeof pgdb.settings, true);
    // tracks, order_completed, identifies, users, pages, aliases
    expect(await deleteFromWarehouses(t.db, byUser, { encryptionKey: TEST_KEY, loaderFor })).toBe(6);
    for (const table of ["tracks", "order_completed", "identifies", "pages", "aliases"])
      expect((await t.rows(table)).map((r) => r.user_id)).not.toContain("gone");
    expect((await t.rows("users", "id")).map((r) => r.id)).toEqual(["stays"]);
    expect(await t.rows("tracks")).toHaveLength(1);
    const byAnon = { workspaceId: t.workspaceId, idType: "anonymousId" as const, idValue: "anon-only" };
    expect(await deleteFromWarehouses(t.db, byAnon, { encryptionKey: TEST_KEY, loaderFor })).toBe(1);
    expect(await t.rows("screens")).toEqual([]);
    // Another workspace's request touches nothing here.
    const other = { workspaceId: "ws_other", idType: "userId" as const, idValue: "stays" };
    expect(await deleteFromWarehouses(t.db, other, { encryptionKey: TEST_KEY, loaderFor })).toBe(0);
    expect(await t.rows("users", "id")).toHaveLength(1);

    // A warehouse that cannot be reached is named in the error (the request is then "failed").
    t.db
      .prepare(`UPDATE "Destination" SET "settings" = ? WHERE "id" = ?`)
      .run(JSON.stringify({ ...pgdb.settings, database: "sy_nope" }), t.destinationId);
    const failed = deleteFromWarehouses(t.db, byUser, { encryptionKey: TEST_KEY, loaderFor });
    await expect(failed).rejects.toBeInstanceOf(DeletionIncomplete);
    await expect(failed).rejects.toThrow(/warehouse ".+": The database does not exist/);
  });

  it("Test connection: signs in and may create schemas; a missing database or a blocked address says so", async () => {
    const ok = await new PostgresLoader({ ...pgdb.settings }, true).check();
    expect(ok.ok).toBe(true);
    expect(ok.steps.map((s) => s.step)).toEqual(["address", "sign-in", "create schema"]);
    const schemas = await pgdb.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'switchyard_check_%'`,
    );
    expect(schemas).toEqual([]);
    const missing = await new PostgresLoader({ ...pgdb.settings, database: "sy_nope" }, true).check();
    expect(missing).toMatchObject({
      ok: false,
      steps: [{ ok: true }, { step: "sign-in", ok: false, message: "The database does not exist" }],
    });
    const blocked = await new PostgresLoader({ ...pgdb.settings }, false).check();
    expect(blocked.ok).toBe(false);
    expect(blocked.steps[0]!.message).toMatch(/loopback.*ALLOW_PRIVATE_DESTINATIONS=true/);
    const metadata = await new PostgresLoader({ ...pgdb.settings, host: "169.254.169.254" }, true).check();
    expect(metadata.steps[0]!.message).toMatch(/cloud metadata/);
  });
});
