import { beforeAll, describe, expect, it } from "vitest";
import { addMember, baseUrl, type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";

// Protocols over HTTP: the Source Schema, schema filters, a source's tracking plan settings,
// violations and the tracking-plans resource, under every role (owner, Source Admin, Source Admin
// limited to "dev", read-only, a member of another workspace, nobody signed in).

type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
interface SchemaReply {
  total: number;
  hasTrackingPlan: boolean;
  canEdit: boolean;
  items: {
    name: string;
    total: number;
    volume: number;
    filter: { hits: number } | null;
    properties: { path: string }[];
  }[];
}

let ws: string;
let otherWs: string;
let owner: Client;
let admin: Client;
let devAdmin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let prod: { id: string; writeKey: string };
let dev: { id: string; writeKey: string };
let foreign: { id: string; writeKey: string };
let prodDest: string;

const src = (id: string, rest = "") => `/api/workspaces/${ws}/sources/${id}${rest}`;
const plans = () => `/api/workspaces/${ws}/tracking-plans`;

async function send(writeKey: string, path: string, body: Record<string, unknown>) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  const [o, a, d, r, x] = await Promise.all(
    ["owner", "admin", "devadmin", "reader", "outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id);
  const other = await createWorkspace(x!.id);
  ws = workspace.slug;
  otherWs = other.slug;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, devAdmin, reader, outsider, anon] = [o!, a!, d!, r!, x!, null].map((u) => clientFor(u));
  const source = async (c: Client, slug: string, environment: string) => {
    const res = await c.post<{ source: { id: string }; writeKey: string }>(
      `/api/workspaces/${slug}/sources`,
      {
        name: `${environment} app`,
        type: "node",
        environment,
      },
    );
    return { id: res.body.source.id, writeKey: res.body.writeKey };
  };
  prod = await source(owner, ws, "prod");
  dev = await source(owner, ws, "dev");
  foreign = await source(outsider, otherWs, "prod");
  prodDest = (
    await owner.post<{ destination: { id: string } }>(`/api/workspaces/${ws}/destinations`, {
      type: "webhook",
      name: "Prod hook",
      sourceIds: [prod.id],
      settings: { url: "https://hooks.example.com/in" },
    })
  ).body.destination.id;
  await send(prod.writeKey, "/v1/track", {
    userId: "u1",
    event: "Order Completed",
    properties: { total: 5, sku: "a" },
  });
  await send(prod.writeKey, "/v1/track", {
    userId: "u1",
    event: "Order Completed",
    properties: { total: "5" },
  });
  await send(prod.writeKey, "/v1/identify", { userId: "u1", traits: { email: "a@b.c" } });
});

describe("Source Schema API", () => {
  it("lists what the source sent, for every role that can see the source", async () => {
    // The writer thread writes the aggregates at most every 250 ms: wait for both events' counts.
    await expect
      .poll(
        async () =>
          (await reader.get<SchemaReply>(src(prod.id, "/schema"))).body.items?.map((i) => [i.name, i.total]),
        { timeout: 5000 },
      )
      .toEqual([["Order Completed", 2]]);
    for (const c of [owner, admin, devAdmin, reader]) {
      const res = await c.get<SchemaReply>(src(prod.id, "/schema"));
      expect(res.status).toBe(200);
      expect(res.body.items.map((i) => [i.name, i.total])).toEqual([["Order Completed", 2]]);
      expect(res.body.items[0]!.properties.map((p) => p.path).sort()).toEqual(["sku", "total"]);
    }
    expect((await reader.get<SchemaReply>(src(prod.id, "/schema"))).body.canEdit).toBe(false);
    expect((await devAdmin.get<SchemaReply>(src(prod.id, "/schema"))).body.canEdit).toBe(false);
    await expect
      .poll(async () => (await reader.get<SchemaReply>(src(prod.id, "/schema?kind=identify"))).body.total, {
        timeout: 5000,
      })
      .toBe(1);
    const traits = await reader.get<SchemaReply>(src(prod.id, "/schema?kind=identify"));
    expect(traits.body.items.map((i) => i.name)).toEqual(["email"]);
  });

  it("answers 401 signed out, 404 for another workspace, 400 for a bad query", async () => {
    expect((await anon.get(src(prod.id, "/schema"))).status).toBe(401);
    expect((await outsider.get(src(prod.id, "/schema"))).status).toBe(404);
    expect((await owner.get(src(foreign.id, "/schema"))).status).toBe(404);
    const bad = await owner.get<ErrorReply>(src(prod.id, "/schema?kind=alias&pageSize=5000"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path).sort()).toEqual(["kind", "pageSize"]);
  });
});

describe("schema event filters", () => {
  const toggle = (c: Client, id: string, body: unknown) =>
    c.put<ErrorReply>(src(id, "/schema/event-filters"), body);

  it("owners and Source Admins within their labels block; others cannot", async () => {
    const body = { kind: "track", name: "Order Completed", enabled: true };
    expect((await toggle(reader, prod.id, body)).status).toBe(403);
    expect((await toggle(devAdmin, prod.id, body)).status).toBe(403);
    expect((await toggle(anon, prod.id, body)).status).toBe(401);
    expect((await toggle(outsider, prod.id, body)).status).toBe(404);
    expect((await toggle(owner, foreign.id, body)).status).toBe(404);
    expect((await toggle(devAdmin, dev.id, { kind: "track", name: "Debug", enabled: true })).status).toBe(
      200,
    );
    expect((await toggle(admin, prod.id, body)).status).toBe(200);
  });

  it("blocked events are counted; the block is audited", async () => {
    await send(prod.writeKey, "/v1/track", {
      userId: "u1",
      event: "Order Completed",
      properties: { total: 1 },
    });
    await send(prod.writeKey, "/v1/track", {
      userId: "u1",
      event: "Order Completed",
      properties: { total: 2 },
    });
    await expect
      .poll(
        async () => (await reader.get<SchemaReply>(src(prod.id, "/schema"))).body.items[0]!.filter?.hits,
        { timeout: 5000 },
      )
      .toBe(2);
    const audit = await owner.get<{ events: { action: string }[] }>(`/api/workspaces/${ws}/audit`);
    expect(audit.body.events.map((e) => e.action)).toContain("schema.event_blocked");
    expect(
      (await toggle(admin, prod.id, { kind: "track", name: "Order Completed", enabled: false })).status,
    ).toBe(200);
  });

  it("refuses malformed and oversized bodies with a JSON 4xx", async () => {
    const bad = await toggle(owner, prod.id, { kind: "alias", name: "", enabled: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.length).toBeGreaterThan(0);
    const raw = await owner.raw<ErrorReply>("PUT", src(prod.id, "/schema/event-filters"), "{nope");
    expect(raw.status).toBe(400);
    const big = await toggle(owner, prod.id, { kind: "track", name: "x".repeat(5000), enabled: true });
    expect(big.status).toBe(413);
  });
});

describe("schema integration filters", () => {
  const toggle = (c: Client, body: unknown) =>
    c.put<ErrorReply>(src(prod.id, "/schema/integration-filters"), body);
  it("switches a connected destination off per event; only connected destinations of the workspace", async () => {
    const body = { kind: "track", name: "Order Completed", destinationId: prodDest, enabled: false };
    expect((await toggle(reader, body)).status).toBe(403);
    expect((await toggle(devAdmin, body)).status).toBe(403);
    expect((await toggle(admin, body)).status).toBe(200);
    const schema = await reader.get<{ items: { integrationsOff: string[] }[] }>(src(prod.id, "/schema"));
    expect(schema.body.items[0]!.integrationsOff).toEqual([prodDest]);
    expect((await toggle(owner, { ...body, destinationId: "nope" })).status).toBe(404);
    expect((await toggle(owner, { ...body, kind: "track", name: "" })).status).toBe(400);
  });
});

describe("tracking plans API", () => {
  let planId = "";
  const rules = {
    events: [
      {
        type: "track",
        name: "Order Completed",
        schema: { type: "object", required: ["total"], properties: { total: { type: "number" } } },
      },
    ],
  };

  it("owners and Source Admins create; read-only members and strangers cannot", async () => {
    expect((await reader.post(plans(), { name: "R" })).status).toBe(403);
    expect((await anon.post(plans(), { name: "A" })).status).toBe(401);
    expect((await outsider.post(plans(), { name: "O" })).status).toBe(404);
    const created = await admin.post<{ plan: { id: string; version: number } }>(plans(), {
      name: "Checkout",
      rules,
    });
    expect(created.status).toBe(201);
    expect(created.body.plan.version).toBe(1);
    planId = created.body.plan.id;
    expect((await owner.post<ErrorReply>(plans(), { name: "Checkout" })).status).toBe(409);
    const list = await reader.get<{ plans: { id: string; events: number }[] }>(plans());
    expect(list.body.plans).toEqual([expect.objectContaining({ id: planId, events: 1 })]);
    expect((await outsider.get(`/api/workspaces/${otherWs}/tracking-plans/${planId}`)).status).toBe(404);
  });

  it("creates a plan from a use case's suggested events", async () => {
    const res = await owner.post<{ plan: { rules: { events: { name: string }[] } } }>(plans(), {
      name: "Lookalikes",
      fromUseCase: "optimize-advertising/build-high-value-lookalikes",
    });
    expect(res.status).toBe(201);
    expect(res.body.plan.rules.events.map((e) => e.name)).toEqual(["Order Completed"]);
    expect((await owner.post<ErrorReply>(plans(), { name: "X", fromUseCase: "no/such" })).status).toBe(422);
  });

  it("refuses schemas that could be slow per event or do not compile, saying where", async () => {
    const slow = {
      events: [
        { type: "track", name: "E", schema: { properties: { a: { type: "string", pattern: "(a)\\1" } } } },
      ],
    };
    const res = await owner.patch<ErrorReply>(`${plans()}/${planId}`, { rules: slow });
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.[0]?.path).toBe("rules.events.0.schema");
    const typo = { events: [{ type: "track", name: "E", schema: { typo: true } }] };
    expect((await owner.patch<ErrorReply>(`${plans()}/${planId}`, { rules: typo })).status).toBe(422);
  });

  it("versions every change, keeps the history, exports JSON", async () => {
    const next = { events: [...rules.events, { type: "track", name: "Signed Up" }] };
    const res = await admin.patch<{ plan: { version: number } }>(`${plans()}/${planId}`, { rules: next });
    expect(res.body.plan.version).toBe(2);
    const got = await reader.get<{ history: { version: number; summary: string }[] }>(`${plans()}/${planId}`);
    expect(got.body.history.map((h) => h.version)).toEqual([2, 1]);
    expect(got.body.history[0]!.summary).toBe("1 → 2 events");
    const exported = await reader.get<{ name: string; rules: { events: unknown[] } }>(
      `${plans()}/${planId}?export=1`,
    );
    expect(exported.headers.get("content-disposition")).toMatch(
      /attachment; filename="tracking-plan-checkout-v2.json"/,
    );
    expect(exported.body.rules.events).toHaveLength(2);
    expect((await reader.patch(`${plans()}/${planId}`, { name: "Nope" })).status).toBe(403);
  });

  it("connects to a source with enforcement; violations are recorded and the schema filters step aside", async () => {
    const settings = src(prod.id, "/protocols");
    expect((await reader.patch(settings, { trackingPlanId: planId })).status).toBe(403);
    expect((await devAdmin.patch(settings, { trackingPlanId: planId })).status).toBe(403);
    const wrongTarget = await owner.patch<ErrorReply>(settings, { config: { forwardBlockedTo: foreign.id } });
    expect(wrongTarget.status).toBe(422);
    const wrongPlan = await owner.patch<ErrorReply>(settings, { trackingPlanId: "nope" });
    expect(wrongPlan.status).toBe(422);
    const ok = await admin.patch<{ trackingPlan: { id: string }; config: { trackUnplanned: string } }>(
      settings,
      {
        trackingPlanId: planId,
        config: {
          trackUnplanned: "block",
          trackInvalid: "omit",
          traitsUnplanned: "allow",
          traitsInvalid: "allow",
          forwardBlockedTo: null,
        },
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.trackingPlan.id).toBe(planId);
    expect(
      (await reader.get<{ config: { trackUnplanned: string } }>(settings)).body.config.trackUnplanned,
    ).toBe("block");
    // The ingest's cache of source settings lives at most a second.
    await new Promise((r) => setTimeout(r, 1100));
    await send(prod.writeKey, "/v1/track", { userId: "u1", event: "Unplanned Thing" });
    await send(prod.writeKey, "/v1/track", {
      userId: "u1",
      event: "Order Completed",
      properties: { total: "x" },
    });
    type V = { violations: { name: string; code: string; path: string; day: number }[] };
    await expect
      .poll(async () => (await reader.get<V>(src(prod.id, "/violations"))).body.violations.length, {
        timeout: 5000,
      })
      .toBe(2);
    const v = await reader.get<V>(src(prod.id, "/violations"));
    expect(v.status).toBe(200);
    expect(v.body.violations.map((x) => [x.name, x.code, x.path, x.day]).sort()).toEqual([
      ["Order Completed", "type", "properties.total", 1],
      ["Unplanned Thing", "unplanned_event", "", 1],
    ]);
    expect((await outsider.get(src(prod.id, "/violations"))).status).toBe(404);
    const blocked = await owner.put<ErrorReply>(src(prod.id, "/schema/event-filters"), {
      kind: "track",
      name: "A",
      enabled: true,
    });
    expect(blocked.status).toBe(409);
  });

  it("deleting a plan needs write access to every connected source; the source keeps no plan", async () => {
    expect((await devAdmin.delete(`${plans()}/${planId}`)).status).toBe(403);
    expect((await owner.delete(`${plans()}/${planId}`)).status).toBe(200);
    expect(
      (await reader.get<{ trackingPlan: unknown }>(src(prod.id, "/protocols"))).body.trackingPlan,
    ).toBeNull();
    expect((await owner.get(`${plans()}/${planId}`)).status).toBe(404);
  });
});
