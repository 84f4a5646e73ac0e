import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  baseUrl,
  type Client,
  clientFor,
  createUser,
  createWorkspace,
  prisma,
  type Reply,
} from "@/e2e/api/support";
import { SECRET_MASK } from "@/lib/catalog";

// Every functions route under every role (401 signed out, 403 role or label scope, 404 another
// workspace's function, 400/409/422 bad input), then the whole life of each kind against the real
// server: deploy, a source function's inbound URL, an insert function dropping an event, a
// destination function calling fetch, and secret settings sealed and masked throughout.

type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
interface FnDetail {
  id: string;
  kind: string;
  name: string;
  code: string;
  deployedVersion: number | null;
  undeployedChanges: boolean;
  versions: { version: number; deployedBy: string }[];
  instances: {
    id: string;
    kind: string;
    settings: Record<string, unknown>;
    webhookUrlHint: string | null;
    source: { id: string } | null;
    destination: { id: string } | null;
  }[];
  canEdit: boolean;
}
type One = { function: FnDetail };

const SECRET = "whsec_S3CRET_value_42";
const replies: Reply<unknown>[] = [];
function recording(client: Client): Client {
  type AnyCall = (...args: unknown[]) => Promise<Reply<unknown>>;
  const wrapped = Object.entries(client).map(([name, fn]) => [
    name,
    async (...args: unknown[]) => {
      const reply = await (fn as AnyCall)(...args);
      replies.push(reply);
      return reply;
    },
  ]);
  return Object.fromEntries(wrapped) as unknown as Client;
}

let ws: string;
let owner: Client;
let admin: Client;
let devAdmin: Client;
let reader: Client;
let stranger: Client;
let anon: Client;
let prodSourceId: string;
let devSourceId: string;
let sink: http.Server;
let sinkUrl = "";
const sunk: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

const base = () => `/api/workspaces/${ws}/functions`;

beforeAll(async () => {
  const db = await prisma();
  const o = await createUser("fn-owner");
  const workspace = await createWorkspace(o.id, "Functions");
  ws = workspace.slug;
  const a = await createUser("fn-admin");
  const d = await createUser("fn-dev-admin");
  const r = await createUser("fn-reader");
  const s = await createUser("fn-stranger");
  await addMember(workspace.id, a.id, "source_admin");
  await addMember(workspace.id, d.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r.id, "read_only");
  await createWorkspace(s.id, "Elsewhere");
  owner = recording(clientFor(o));
  admin = recording(clientFor(a));
  devAdmin = recording(clientFor(d));
  reader = recording(clientFor(r));
  stranger = recording(clientFor(s));
  anon = clientFor(null);
  const mk = (name: string, environment: string) =>
    db.source.create({
      data: {
        workspaceId: workspace.id,
        name,
        slug: name.toLowerCase(),
        type: "http-api",
        environment,
        writeKeyHash: `hash-${name}-${Date.now()}`,
        writeKeyCipher: "x",
        writeKeyHint: "x",
      },
    });
  prodSourceId = (await mk("Prod App", "prod")).id;
  devSourceId = (await mk("Dev App", "dev")).id;
  sink = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      sunk.push({ url: req.url!, headers: req.headers, body });
      res.writeHead(req.url?.includes("fail") ? 503 : 200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => sink.close(() => r())));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("access", () => {
  let fnId: string;
  beforeAll(async () => {
    const res = await owner.post<One>(base(), {
      kind: "insert",
      name: "Access check",
      template: "remove-pii",
    });
    expect(res.status).toBe(201);
    fnId = res.body.function.id;
  });

  it("answers 401 to a signed-out caller on every route", async () => {
    const paths = [
      ["GET", base()],
      ["POST", base()],
      ["GET", `${base()}/${fnId}`],
      ["PATCH", `${base()}/${fnId}`],
      ["DELETE", `${base()}/${fnId}`],
      ["POST", `${base()}/${fnId}/deploy`],
      ["POST", `${base()}/${fnId}/test`],
      ["POST", `${base()}/${fnId}/instances`],
      ["PATCH", `${base()}/${fnId}/instances/x`],
      ["DELETE", `${base()}/${fnId}/instances/x`],
      ["GET", `${base()}/${fnId}/instances/x/webhook-url`],
      ["POST", `${base()}/${fnId}/instances/x/webhook-url`],
      ["GET", `${base()}/${fnId}/runs`],
      ["GET", `${base()}/samples?sourceId=${prodSourceId}`],
    ] as const;
    for (const [method, path] of paths) {
      const res =
        method === "GET"
          ? await anon.get<ErrorReply>(path)
          : method === "DELETE"
            ? await anon.delete<ErrorReply>(path)
            : await anon.raw<ErrorReply>(method, path, "{}");
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
  });

  it("lets read-only members read code but not change, test or deploy it", async () => {
    expect((await reader.get<{ functions: unknown[] }>(base())).status).toBe(200);
    const one = await reader.get<One>(`${base()}/${fnId}`);
    expect(one.status).toBe(200);
    expect(one.body.function.code).toContain("removePii");
    expect(one.body.function.canEdit).toBe(false);
    for (const [call, path, body] of [
      [reader.post, base(), { kind: "insert", name: "Nope" }],
      [reader.patch, `${base()}/${fnId}`, { code: "x" }],
      [reader.post, `${base()}/${fnId}/deploy`, {}],
      [reader.post, `${base()}/${fnId}/test`, { event: { type: "track" } }],
      [reader.post, `${base()}/${fnId}/instances`, { destinationId: "x" }],
    ] as const) {
      const res = await call<ErrorReply>(path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    expect((await reader.delete<ErrorReply>(`${base()}/${fnId}`)).status).toBe(403);
  });

  it("answers 404 for another workspace's function, and to non-members", async () => {
    const other = await stranger.get<{ functions: unknown[] }>(base());
    expect(other.status).toBe(404);
    const strangerWs = await stranger.get<{ workspaces: { slug: string }[] }>("/api/workspaces");
    const theirSlug = strangerWs.body.workspaces[0]!.slug;
    const res = await stranger.get<ErrorReply>(`/api/workspaces/${theirSlug}/functions/${fnId}`);
    expect(res.status).toBe(404);
    expect(
      (await stranger.patch(`/api/workspaces/${theirSlug}/functions/${fnId}`, { code: "x" })).status,
    ).toBe(404);
    expect((await stranger.post(`/api/workspaces/${theirSlug}/functions/${fnId}/deploy`)).status).toBe(404);
    expect(
      (await stranger.get(`/api/workspaces/${theirSlug}/functions/samples?sourceId=${prodSourceId}`)).status,
    ).toBe(404);
  });

  it("answers bad input with field errors", async () => {
    const noKind = await owner.post<ErrorReply>(base(), { name: "x" });
    expect(noKind.status).toBe(400);
    expect(noKind.body.error.fields?.map((f) => f.path)).toContain("kind");
    const badTemplate = await owner.post<ErrorReply>(base(), {
      kind: "source",
      name: "T",
      template: "remove-pii",
    });
    expect(badTemplate.status).toBe(400);
    const dup = await owner.post<ErrorReply>(base(), { kind: "insert", name: "Access check" });
    expect(dup.status).toBe(409);
    const badSetting = await owner.patch<ErrorReply>(`${base()}/${fnId}`, { settings: [{ name: "1bad" }] });
    expect(badSetting.status).toBe(400);
    expect(badSetting.body.error.fields?.[0]?.path).toBe("settings.0.name");
    const unknownKey = await owner.patch<ErrorReply>(`${base()}/${fnId}`, { nope: 1 });
    expect(unknownKey.status).toBe(400);
    const notJson = await owner.raw<ErrorReply>("PATCH", `${base()}/${fnId}`, "{nope");
    expect(notJson.status).toBe(400);
    const huge = await owner.patch<ErrorReply>(`${base()}/${fnId}`, { code: "x".repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    const twoSamples = await owner.post<ErrorReply>(`${base()}/${fnId}/test`, {
      event: { type: "track" },
      events: [{ type: "track" }],
    });
    expect(twoSamples.status).toBe(400);
    const undeployed = await owner.post<ErrorReply>(`${base()}/${fnId}/instances`, { destinationId: "x" });
    expect(undeployed.status).toBe(409);
    const samples = await owner.get<ErrorReply>(`${base()}/samples`);
    expect(samples.status).toBe(400);
    expect((await owner.get(`${base()}/samples?sourceId=nope`)).status).toBe(404);
  });

  it("refuses to deploy code that does not load or lacks its handler", async () => {
    const broken = await owner.post<One>(base(), { kind: "destination", name: "Broken" });
    const id = broken.body.function.id;
    await owner.patch(`${base()}/${id}`, { code: "async function onTrack( {" });
    const syntax = await owner.post<ErrorReply>(`${base()}/${id}/deploy`);
    expect(syntax.status).toBe(422);
    expect(syntax.body.error.message).toMatch(/SyntaxError/);
    await owner.patch(`${base()}/${id}`, { code: "function helper() {}" });
    const noHandler = await owner.post<ErrorReply>(`${base()}/${id}/deploy`);
    expect(noHandler.status).toBe(422);
    expect(noHandler.body.error.message).toContain("onTrack");
  });
});

describe("source functions", () => {
  let fnId: string;
  let instanceId: string;
  let url: string;

  it("creates from the Stripe-like template, deploys, and gets an inbound URL (masked for readers)", async () => {
    const created = await admin.post<One>(base(), {
      kind: "source",
      name: "Stripe in",
      template: "stripe-webhook",
    });
    expect(created.status).toBe(201);
    fnId = created.body.function.id;
    const deployed = await admin.post<{ version: number }>(`${base()}/${fnId}/deploy`);
    expect(deployed.status).toBe(200);
    expect(deployed.body.version).toBe(1);
    const inst = await admin.post<{ instance: { instanceId: string; webhookUrl: string; sourceId: string } }>(
      `${base()}/${fnId}/instances`,
      { name: "Stripe (prod)", environment: "prod", settings: { signingSecret: "" } },
    );
    expect(inst.status).toBe(201);
    instanceId = inst.body.instance.instanceId;
    url = inst.body.instance.webhookUrl;
    expect(url).toMatch(/\/v1\/functions\/[A-Za-z0-9_-]{40,}$/);
    const seen = await reader.get<One>(`${base()}/${fnId}`);
    const hint = seen.body.function.instances[0]!.webhookUrlHint!;
    expect(hint).toContain("••••");
    expect(url.startsWith(hint.split("••••")[0]!)).toBe(true);
    expect((await reader.get(`${base()}/${fnId}/instances/${instanceId}/webhook-url`)).status).toBe(403);
    const revealed = await admin.get<{ webhookUrl: string }>(
      `${base()}/${fnId}/instances/${instanceId}/webhook-url`,
    );
    expect(revealed.body.webhookUrl).toBe(url);
    // A dev-scoped admin cannot reveal or change a prod source's URL.
    expect((await devAdmin.get(`${base()}/${fnId}/instances/${instanceId}/webhook-url`)).status).toBe(403);
    expect((await devAdmin.post(`${base()}/${fnId}/deploy`)).status).toBe(403);
  });

  it("turns a webhook into tracked events in the source's archive", async () => {
    const body = {
      type: "invoice.paid",
      data: { object: { id: "in_1", customer: "cus_9", amount_paid: 4200, currency: "eur" } },
    };
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, accepted: 1 });
    const db = await prisma();
    const source = await db.functionInstance.findUniqueOrThrow({ where: { id: instanceId } });
    const row = await waitFor("archived event", () =>
      db.message.findFirst({ where: { sourceId: source.sourceId!, event: "Invoice Paid" } }),
    );
    expect(JSON.parse(row.payload)).toMatchObject({
      userId: "cus_9",
      properties: { amount: 42, currency: "eur" },
    });
  });

  it("answers the function's errors with precise statuses and records them with logs", async () => {
    const missing = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: "invalid_payload" } });
    expect((await fetch(url, { method: "GET" })).status).toBe(405);
    expect((await fetch(`${url}x`, { method: "POST", body: "{}" })).status).toBe(404);
    const runs = await waitFor("recorded run", async () => {
      const r = await reader.get<{ runs: { outcome: string; message: string }[] }>(
        `${base()}/${fnId}/runs?failures=1`,
      );
      return r.body.runs.length ? r.body.runs : null;
    });
    expect(runs[0]).toMatchObject({ outcome: "rejected", message: "The event has no customer" });
  });

  it("regenerates the URL: the old one stops working", async () => {
    const next = await admin.post<{ webhookUrl: string }>(
      `${base()}/${fnId}/instances/${instanceId}/webhook-url`,
    );
    expect(next.status).toBe(200);
    expect(next.body.webhookUrl).not.toBe(url);
    await new Promise((r) => setTimeout(r, 1100)); // lookups are cached for at most 1 s
    expect((await fetch(url, { method: "POST", body: "{}" })).status).toBe(404);
    url = next.body.webhookUrl;
  });
});

describe("insert and destination functions", () => {
  let destinationId: string;
  let insertId: string;
  let writeKey: string;

  beforeAll(async () => {
    const db = await prisma();
    const { newWriteKey } = await import("@/lib/sources/service");
    const key = newWriteKey();
    writeKey = key.key;
    await db.source.update({ where: { id: devSourceId }, data: key.fields });
    const dest = await owner.post<{ destination: { id: string } }>(`/api/workspaces/${ws}/destinations`, {
      type: "webhook",
      name: "Sink",
      sourceIds: [devSourceId],
      enabled: true,
      settings: { url: `${sinkUrl}/hook` },
    });
    expect(dest.status).toBe(201);
    destinationId = dest.body.destination.id;
  });

  const track = (event: string) =>
    fetch(`${baseUrl}/v1/track`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      },
      body: JSON.stringify({ userId: "u1", event, properties: { email: "ada@example.com", plan: "pro" } }),
    });

  it("attaches an insert function (scope-checked) that drops one event name and scrubs the rest", async () => {
    const created = await devAdmin.post<One>(base(), {
      kind: "insert",
      name: "Renamer",
      template: "rename-events",
    });
    insertId = created.body.function.id;
    await devAdmin.patch(`${base()}/${insertId}`, {
      code: created.body.function.code.replace(
        "return event;\n}",
        "delete event.properties.email;\n  return event;\n}",
      ),
    });
    expect((await devAdmin.post(`${base()}/${insertId}/deploy`)).status).toBe(200);
    const attach = await devAdmin.post(`${base()}/${insertId}/instances`, {
      destinationId,
      settings: { drop: "Secret Thing", renames: "Signed Up => Account Created" },
    });
    expect(attach.status).toBe(201);
    const again = await owner.post<ErrorReply>(`${base()}/${insertId}/instances`, { destinationId });
    expect(again.status).toBe(409);
    const unknownSetting = await owner.patch<ErrorReply>(
      `${base()}/${insertId}/instances/${(await owner.get<One>(`${base()}/${insertId}`)).body.function.instances[0]!.id}`,
      { settings: { nope: 1 } },
    );
    expect(unknownSetting.status).toBe(400);

    sunk.length = 0;
    expect((await track("Secret Thing")).status).toBe(200);
    expect((await track("Signed Up")).status).toBe(200);
    const delivered = await waitFor("delivery", async () => sunk.find((s) => s.url === "/hook"));
    expect(JSON.parse(delivered.body)).toMatchObject({
      event: "Account Created",
      properties: { plan: "pro" },
    });
    expect(JSON.parse(delivered.body).properties.email).toBeUndefined();
    const db = await prisma();
    const filtered = await waitFor("filtered outcome", () =>
      db.deliveryOutcome.findFirst({ where: { destinationId, status: "filtered" } }),
    );
    expect(filtered).toMatchObject({ errorType: "insert_function", event: "Secret Thing" });
    expect(filtered.errorMessage).toContain("Dropped by name");
    expect(sunk.filter((s) => s.body.includes("Secret Thing"))).toHaveLength(0);
  });

  it("runs a destination function with sealed, masked secret settings and fetch", async () => {
    const created = await owner.post<One>(base(), {
      kind: "destination",
      name: "Signed hook",
      template: "webhook-hmac",
    });
    const id = created.body.function.id;
    expect((await owner.post(`${base()}/${id}/deploy`)).status).toBe(200);
    const missing = await owner.post<ErrorReply>(`${base()}/${id}/instances`, {
      name: "Signed",
      sourceIds: [devSourceId],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields?.map((f) => f.path)).toEqual(
      expect.arrayContaining(["settings.url", "settings.sharedSecret"]),
    );
    const inst = await owner.post<{ instance: { destinationId: string } }>(`${base()}/${id}/instances`, {
      name: "Signed",
      sourceIds: [devSourceId],
      settings: { url: `${sinkUrl}/signed`, sharedSecret: SECRET },
    });
    expect(inst.status).toBe(201);
    const db = await prisma();
    const stored = await db.functionInstance.findFirstOrThrow({
      where: { functionId: id },
      omit: { secretsCipher: false },
    });
    expect(stored.settings).not.toContain(SECRET);
    expect(stored.secretsCipher).not.toContain(SECRET);
    const view = await reader.get<One>(`${base()}/${id}`);
    expect(view.body.function.instances[0]!.settings).toEqual({
      url: `${sinkUrl}/signed`,
      sharedSecret: SECRET_MASK,
    });
    // Posting the mask back keeps the secret.
    const kept = await owner.patch(`${base()}/${id}/instances/${view.body.function.instances[0]!.id}`, {
      settings: { url: `${sinkUrl}/signed`, sharedSecret: SECRET_MASK },
    });
    expect(kept.status).toBe(200);

    sunk.length = 0;
    expect((await track("Order Completed")).status).toBe(200);
    const signed = await waitFor("signed delivery", async () => sunk.find((s) => s.url === "/signed"));
    const { createHmac } = await import("node:crypto");
    expect(signed.headers["x-signature"]).toBe(
      createHmac("sha256", SECRET).update(signed.body).digest("hex"),
    );
    const outcome = await waitFor("delivered outcome", () =>
      db.deliveryOutcome.findFirst({
        where: { destinationId: inst.body.instance.destinationId, status: "delivered" },
      }),
    );
    expect(outcome.latencyMs).not.toBeNull();
  });

  it("tests code against a sample event without deploying it", async () => {
    const res = await admin.post<{
      result: { outcome: string; output: { event: string }; logs: { message: string }[] };
    }>(`${base()}/${insertId}/test`, {
      code: "async function onTrack(e, s) { console.log('hi', s.x); e.event = 'Tested'; return e }",
      settings: { x: 1 },
      event: { type: "track", event: "Before", userId: "u" },
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({
      outcome: "ok",
      output: { event: "Tested" },
      logs: [{ message: "hi 1" }],
    });
    const detail = await admin.get<One>(`${base()}/${insertId}`);
    expect(detail.body.function.code).not.toContain("Tested");
  });

  it("keeps versions and refuses to delete a function still in use", async () => {
    const detail = await owner.get<One>(`${base()}/${insertId}`);
    expect(detail.body.function.versions.map((v) => v.version)).toEqual([1]);
    const del = await owner.delete<ErrorReply>(`${base()}/${insertId}`);
    expect(del.status).toBe(409);
    const db = await prisma();
    const audits = await db.auditEvent.findMany({ where: { targetId: insertId } });
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(["function.created", "function.deployed", "function.instance_created"]),
    );
  });

  it("never sent a secret value in any answer", () => {
    for (const r of replies) expect(JSON.stringify(r.body)).not.toContain(SECRET);
  });
});
