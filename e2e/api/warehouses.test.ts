import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, baseUrl, type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";
import { SECRET_MASK } from "@/lib/catalog/mask";
import { type TempPostgres, tempPostgres } from "@/lib/warehouses/testing";

// The warehouse routes against the built server (which runs the sync scheduler and allows private
// addresses) and a fresh PostgreSQL database: create a Postgres warehouse through the destinations
// API, Test connection, Sync now, the history, Selective Sync and schema names; who may do what.

type Run = {
  id: number;
  status: string;
  rows: Record<string, number>;
  error: string | null;
  trigger: string;
};
type History = { runs: Run[]; pending: number; missed: number };
type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

let pgdb: TempPostgres;
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anonymous: Client;
let slug: string;
let sourceId: string;
let writeKey: string;
let warehouseId: string;
let otherSlug: string;

const api = (p = "") => `/api/workspaces/${slug}/destinations${p}`;

async function send(body: Record<string, unknown>, path = "/v1/track") {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

async function finished(id: string, runId: number): Promise<Run> {
  for (let i = 0; i < 300; i++) {
    const h = await owner.get<History>(api(`/${id}/syncs`));
    const run = h.body.runs.find((r) => r.id === runId);
    if (run && run.status !== "queued" && run.status !== "running") return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("sync did not finish");
}

beforeAll(async () => {
  pgdb = await tempPostgres("sy_wh_api");
  const [o, a, r, x] = await Promise.all([
    createUser("wh-owner"),
    createUser("wh-admin"),
    createUser("wh-reader"),
    createUser("wh-outsider"),
  ]);
  const ws = await createWorkspace(o.id);
  otherSlug = (await createWorkspace(x.id)).slug;
  await addMember(ws.id, a.id, "source_admin");
  await addMember(ws.id, r.id, "read_only");
  slug = ws.slug;
  [owner, admin, reader, outsider, anonymous] = [
    clientFor(o),
    clientFor(a),
    clientFor(r),
    clientFor(x),
    clientFor(null),
  ];
  const created = await owner.post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${slug}/sources`,
    {
      name: "Web Shop",
      type: "node",
      environment: "prod",
    },
  );
  sourceId = created.body.source.id;
  writeKey = created.body.writeKey;
}, 120_000);

afterAll(async () => {
  await pgdb?.drop();
});

describe("Postgres warehouse through the destinations API", () => {
  it("Test connection passes with good settings and says why with bad ones", async () => {
    const ok = await admin.post<{ ok: boolean; steps: { step: string; ok: boolean }[] }>(
      api("/test-connection"),
      {
        type: "postgres",
        settings: pgdb.settings,
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      ok: true,
      steps: [{ ok: true }, { ok: true }, { ok: true, step: "create schema" }],
    });
    const bad = await owner.post<{ ok: boolean; steps: { message: string }[] }>(api("/test-connection"), {
      type: "postgres",
      settings: { ...pgdb.settings, database: "sy_missing_db" },
    });
    expect(bad.body.ok).toBe(false);
    expect(bad.body.steps.at(-1)!.message).toBe("The database does not exist");
    const invalid = await owner.post<ErrorReply>(api("/test-connection"), {
      type: "postgres",
      settings: { ...pgdb.settings, host: "http://x/", syncIntervalMinutes: 5000 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields?.map((f) => f.path)).toEqual(
      expect.arrayContaining(["settings.host", "settings.syncIntervalMinutes"]),
    );
    const notWarehouse = await owner.post<ErrorReply>(api("/test-connection"), {
      type: "webhook",
      settings: {},
    });
    expect(notWarehouse.status).toBe(400);
    expect((await owner.raw("POST", api("/test-connection"), "{nope")).status).toBe(400);
  });

  it("creates the warehouse with a sealed, masked password and the sync interval bounds", async () => {
    const tooOften = await owner.post<ErrorReply>(api(), {
      type: "postgres",
      name: "Too often",
      settings: { ...pgdb.settings, syncIntervalMinutes: 0 },
    });
    expect(tooOften.status).toBe(400);
    expect(tooOften.body.error.fields?.[0]?.path).toBe("settings.syncIntervalMinutes");
    const created = await owner.post<{
      destination: { id: string; category: string; settings: Record<string, unknown> };
    }>(api(), {
      type: "postgres",
      name: "Analytics warehouse",
      sourceIds: [sourceId],
      settings: { ...pgdb.settings, password: "pg-Secret-42" },
    });
    expect(created.status).toBe(201);
    warehouseId = created.body.destination.id;
    const view = await reader.get<{ destination: { category: string; settings: Record<string, unknown> } }>(
      api(`/${warehouseId}`),
    );
    expect(view.body.destination.category).toBe("Warehouses");
    expect(view.body.destination.settings).toMatchObject({
      password: SECRET_MASK,
      syncIntervalMinutes: 60,
      sslMode: "disable",
    });
    expect(JSON.stringify(view.body)).not.toContain("pg-Secret-42");
    const row = (await import("@/lib/db")).getDb();
    const stored = await (await row).destination.findUniqueOrThrow({
      where: { id: warehouseId },
      omit: { secretsCipher: false },
    });
    expect(stored.settings).not.toContain("pg-Secret-42");
    expect(stored.secretsCipher).not.toContain("pg-Secret-42");
  });

  it("Sync now loads the archive into the source's schema; the history lists rows per table", async () => {
    await send({
      userId: "u1",
      event: "Order Completed",
      properties: { total: 42 },
      integrations: { All: false },
    });
    await send({ userId: "u1", traits: { email: "ada@example.com" } }, "/v1/identify");
    const config = await owner.get<{ sources: { sourceId: string; schemaName: string; fixed: boolean }[] }>(
      api(`/${warehouseId}/warehouse`),
    );
    expect(config.body.sources).toEqual([
      { sourceId, sourceName: "Web Shop", schemaName: "web_shop", fixed: false },
    ]);
    const renamed = await admin.patch(api(`/${warehouseId}/warehouse`), {
      schemas: [{ sourceId, schemaName: "shop" }],
    });
    expect(renamed.status).toBe(200);
    const queued = await admin.post<{ run: Run; created: boolean }>(api(`/${warehouseId}/syncs`));
    expect(queued.status).toBe(202);
    expect(queued.body.run).toMatchObject({ status: "queued", trigger: "manual" });
    const again = await owner.post<{ run: Run; created: boolean }>(api(`/${warehouseId}/syncs`));
    expect(again.body.run.id === queued.body.run.id || again.status === 202).toBe(true);
    const run = await finished(warehouseId, queued.body.run.id);
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(run.rows).toMatchObject({
      "shop.tracks": 1,
      "shop.order_completed": 1,
      "shop.identifies": 1,
      "shop.users": 1,
    });
    expect(await pgdb.query(`SELECT user_id, total FROM shop.order_completed`)).toEqual([
      { user_id: "u1", total: "42" },
    ]);
    const history = await reader.get<History>(api(`/${warehouseId}/syncs`));
    expect(history.status).toBe(200);
    expect(history.body.pending).toBe(0);
    // Loaded once: the schema is fixed now.
    const fixed = await owner.patch<ErrorReply>(api(`/${warehouseId}/warehouse`), {
      schemas: [{ sourceId, schemaName: "other" }],
    });
    expect(fixed.status).toBe(409);
    expect(fixed.body.error.message).toMatch(/fixed/);
  });

  it("Selective Sync: switched-off columns are not loaded from then on", async () => {
    const saved = await admin.patch<{ disabled: unknown[] }>(api(`/${warehouseId}/warehouse`), {
      disabled: [{ table: "order_completed", column: "total" }, { table: "identifies" }],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.disabled).toEqual([
      { table: "identifies" },
      { table: "order_completed", column: "total" },
    ]);
    const badColumn = await owner.patch<ErrorReply>(api(`/${warehouseId}/warehouse`), {
      disabled: [{ table: "tracks", column: "id" }],
    });
    expect(badColumn.status).toBe(400);
    await send({ userId: "u2", event: "Order Completed", properties: { total: 7 } });
    await send({ userId: "u2", traits: { email: "bo@example.com" } }, "/v1/identify");
    const queued = await owner.post<{ run: Run }>(api(`/${warehouseId}/syncs`));
    const run = await finished(warehouseId, queued.body.run.id);
    expect(run.status).toBe("succeeded");
    expect(run.rows).not.toHaveProperty("shop.identifies");
    expect(await pgdb.query(`SELECT user_id, total FROM shop.order_completed ORDER BY user_id`)).toEqual([
      { user_id: "u1", total: "42" },
      { user_id: "u2", total: null },
    ]);
    expect(await pgdb.query(`SELECT COUNT(*)::int AS n FROM shop.identifies`)).toEqual([{ n: 1 }]);
  });

  it("authorization: read-only 403 on writes, another workspace 404, signed out 401", async () => {
    const writes: [string, string, unknown][] = [
      ["POST", api(`/${warehouseId}/syncs`), {}],
      ["PATCH", api(`/${warehouseId}/warehouse`), { disabled: [] }],
      ["POST", api("/test-connection"), { type: "postgres", settings: pgdb.settings }],
    ];
    const call = (c: Client, m: string, p: string, b: unknown) =>
      m === "POST" ? c.post(p, b) : c.patch(p, b);
    for (const [m, p, b] of writes) {
      expect((await call(reader, m, p, b)).status, `${m} ${p}`).toBe(403);
      expect((await call(anonymous, m, p, b)).status, `${m} ${p}`).toBe(401);
    }
    for (const p of [api(`/${warehouseId}/syncs`), api(`/${warehouseId}/warehouse`)]) {
      expect((await reader.get(p)).status).toBe(200);
      expect((await anonymous.get(p)).status).toBe(401);
      expect((await outsider.get(p)).status).toBe(404);
    }
    // Nor through the outsider's own workspace.
    const mine = `/api/workspaces/${otherSlug}/destinations`;
    expect((await outsider.get(`${mine}/${warehouseId}/syncs`)).status).toBe(404);
    expect((await outsider.post(`${mine}/${warehouseId}/syncs`)).status).toBe(404);
    expect((await outsider.patch(`${mine}/${warehouseId}/warehouse`, { disabled: [] })).status).toBe(404);
    const probe = { type: "postgres", settings: pgdb.settings, destinationId: warehouseId };
    expect((await outsider.post(`${mine}/test-connection`, probe)).status).toBe(404);
    // A webhook has no syncs.
    const hook = await owner.post<{ destination: { id: string } }>(api(), {
      type: "webhook",
      name: "Hook",
      settings: { url: "https://hooks.example.com/x" },
    });
    expect((await owner.get(api(`/${hook.body.destination.id}/syncs`))).status).toBe(400);
  });
});
