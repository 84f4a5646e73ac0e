import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  baseUrl,
  type Client,
  clientFor,
  createUser,
  createWorkspace,
  prisma,
} from "@/e2e/api/support";

// Privacy routes: who may call each one, validation, tenant isolation, masked samples for
// read-only members, and a deletion request with suppression against the real tracking API.

type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

let ws: string;
let wsId: string;
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let sourceId: string;
let writeKey: string;
let destId: string;
let foreignDest: string;
let foreignSource: string;
const api = (path = "") => `/api/workspaces/${ws}/privacy${path}`;

beforeAll(async () => {
  const [o, a, r, x] = await Promise.all(["owner", "admin", "reader", "outsider"].map((l) => createUser(l)));
  const workspace = await createWorkspace(o!.id);
  const other = await createWorkspace(x!.id);
  ws = workspace.slug;
  wsId = workspace.id;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, reader, outsider, anon] = [o!, a!, r!, x!, null].map((u) => clientFor(u));
  const created = await owner.post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${ws}/sources`,
    {
      name: "Web",
      type: "node",
      environment: "prod",
    },
  );
  if (!created.body.source) throw new Error(`source: ${created.status} ${JSON.stringify(created.body)}`);
  sourceId = created.body.source.id;
  writeKey = created.body.writeKey;
  const dest = async (c: Client, slug: string, src: string) =>
    (
      await c.post<{ destination: { id: string } }>(`/api/workspaces/${slug}/destinations`, {
        type: "webhook",
        name: "Hook",
        sourceIds: [src],
        settings: { url: "https://hooks.example.com/in" },
      })
    ).body.destination.id;
  destId = await dest(owner, ws, sourceId);
  foreignSource = (
    await outsider.post<{ source: { id: string } }>(`/api/workspaces/${other.slug}/sources`, {
      name: "Theirs",
      type: "node",
      environment: "prod",
    })
  ).body.source.id;
  foreignDest = await dest(outsider, other.slug, foreignSource);
});

describe("who may call the privacy routes", () => {
  const writes = (): [string, string, unknown][] => [
    ["PUT", api("/fields"), { path: "traits.email", classification: "red" }],
    ["POST", api("/matchers"), { name: `m-${Math.random()}`, keyPatterns: ["*_acct"], suggested: "yellow" }],
    ["PUT", api(`/destinations/${destId}`), { policy: "no_red", consentCategories: ["Advertising"] }],
    ["PUT", api(`/sources/${sourceId}`), { withoutConsent: "deliver" }],
    ["POST", api("/deletions"), { idType: "userId", idValue: "nobody-here" }],
    ["PUT", api("/suppressions"), { userId: "nobody-here", suppressed: false }],
  ];
  const call = (c: Client, method: string, path: string, body: unknown) =>
    method === "POST" ? c.post(path, body) : c.put(path, body);

  it("lets every member read, owners only write; 404 to other workspaces, 401 signed out", async () => {
    for (const c of [owner, admin, reader]) expect((await c.get(api())).status).toBe(200);
    expect((await outsider.get(api())).status).toBe(404);
    expect((await anon.get(api())).status).toBe(401);
    for (const [method, path, body] of writes()) {
      expect((await call(owner, method, path, body)).status, `owner ${method} ${path}`).toBeLessThan(300);
      expect((await call(admin, method, path, body)).status, `admin ${method} ${path}`).toBe(403);
      expect((await call(reader, method, path, body)).status, `reader ${method} ${path}`).toBe(403);
      expect((await call(outsider, method, path, body)).status, `outsider ${method} ${path}`).toBe(404);
      expect((await call(anon, method, path, body)).status, `anon ${method} ${path}`).toBe(401);
    }
    const matcher = (await owner.get<{ matchers: { id: string }[] }>(api())).body.matchers[0]!.id;
    for (const [c, status] of [
      [admin, 403],
      [reader, 403],
      [outsider, 404],
      [anon, 401],
    ] as const) {
      expect((await c.patch(api(`/matchers/${matcher}`), { enabled: false })).status).toBe(status);
      expect((await c.delete(api(`/matchers/${matcher}`))).status).toBe(status);
    }
    expect((await owner.patch(api(`/matchers/${matcher}`), { enabled: false })).status).toBe(200);
    expect((await owner.delete(api(`/matchers/${matcher}`))).status).toBe(200);
  });

  it("answers 404 for another workspace's destination, source or matcher", async () => {
    expect((await owner.put(api(`/destinations/${foreignDest}`), { policy: "all" })).status).toBe(404);
    expect((await owner.put(api(`/sources/${foreignSource}`), { withoutConsent: "hold" })).status).toBe(404);
    expect((await owner.delete(api("/matchers/not-a-matcher"))).status).toBe(404);
    const db = await prisma();
    expect(await db.privacyDestination.findUnique({ where: { destinationId: foreignDest } })).toBeNull();
  });
});

describe("validation", () => {
  it("refuses bad input with a 4xx naming the field, never a 500", async () => {
    const bad = async (
      method: "put" | "post",
      path: string,
      body: unknown,
      status: number,
      field?: string,
    ) => {
      const r = await owner[method]<ErrorReply>(path, body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      if (field) expect(r.body.error.fields?.map((f) => f.path)).toContain(field);
    };
    await bad("put", api("/fields"), { path: "userId", classification: "red" }, 400, "path");
    await bad(
      "put",
      api("/fields"),
      { path: "traits.email", classification: "orange" },
      400,
      "classification",
    );
    await bad(
      "put",
      api("/fields"),
      { path: "traits.x", classification: "yellow", blockAtIngest: true },
      400,
      "blockAtIngest",
    );
    await bad(
      "post",
      api("/matchers"),
      { name: "x", keyPatterns: ["[a-"], suggested: "red" },
      400,
      "keyPatterns.0",
    );
    await bad(
      "post",
      api("/matchers"),
      { name: "x", valuePatterns: ["*".repeat(300)], suggested: "red" },
      400,
      "valuePatterns.0",
    );
    await bad("post", api("/matchers"), { name: "x", suggested: "red" }, 400, "keyPatterns");
    await bad("put", api(`/destinations/${destId}`), { policy: "none" }, 400, "policy");
    await bad(
      "post",
      api("/deletions"),
      { idType: "anonymousId", idValue: "a", suppress: true },
      400,
      "suppress",
    );
    await bad("post", api("/deletions"), { idType: "email", idValue: "a" }, 400, "idType");
    const malformed = await owner.raw<ErrorReply>("PUT", api("/fields"), "{not json");
    expect(malformed.status).toBe(400);
    const huge = await owner.raw<ErrorReply>(
      "PUT",
      api("/fields"),
      JSON.stringify({ path: "x".repeat(40_000) }),
    );
    expect(huge.status).toBe(413);
    await owner.post(api("/matchers"), { name: "Same", keyPatterns: ["a"], suggested: "red" });
    expect(
      (await owner.post(api("/matchers"), { name: "Same", keyPatterns: ["b"], suggested: "red" })).status,
    ).toBe(409);
  });
});

describe("samples", () => {
  it("shows owners the masked sample and read-only members nothing of it", async () => {
    const db = await prisma();
    const now = BigInt(Date.now());
    await db.privacyField.create({
      data: {
        workspaceId: wsId,
        path: "traits.contact_email",
        matcher: "email",
        suggested: "red",
        sample: "a•••@e••••••.com",
        firstSeen: now,
        lastSeen: now,
        updatedAt: now,
      },
    });
    type View = { canWrite: boolean; fields: { path: string; sample: string | null }[] };
    const mine = (await owner.get<View>(api())).body;
    const theirs = (await reader.get<View>(api())).body;
    expect(mine.canWrite).toBe(true);
    expect(theirs.canWrite).toBe(false);
    expect(mine.fields.find((f) => f.path === "traits.contact_email")!.sample).toBe("a•••@e••••••.com");
    const hidden = theirs.fields.find((f) => f.path === "traits.contact_email")!.sample!;
    expect(hidden).toMatch(/^•+$/);
  });
});

describe("deletion requests", () => {
  const send = (body: Record<string, unknown>) =>
    fetch(`${baseUrl}/v1/track`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      },
      body: JSON.stringify(body),
    });
  const archivedFor = async (userId: string) =>
    (await prisma()).message.count({ where: { workspaceId: wsId, userId } });

  it("erases the user's archived messages, lists the request with counts, audits it, and suppresses", async () => {
    for (const event of ["A", "B", "C"]) expect((await send({ userId: "erase-me", event })).status).toBe(200);
    expect((await send({ userId: "keep-me", event: "A" })).status).toBe(200);
    expect(await archivedFor("erase-me")).toBe(3);

    const r = await owner.post<{ deletion: { status: string; counts: Record<string, number> } }>(
      api("/deletions"),
      {
        idType: "userId",
        idValue: "erase-me",
        suppress: true,
      },
    );
    expect(r.status).toBe(201);
    expect(r.body.deletion.status).toBe("completed");
    expect(r.body.deletion.counts.archive).toBe(3);
    expect(await archivedFor("erase-me")).toBe(0);
    expect(await archivedFor("keep-me")).toBe(1);

    const view = (
      await reader.get<{
        deletions: { idValue: string; status: string }[];
        suppressions: { userId: string }[];
      }>(api())
    ).body;
    expect(view.deletions[0]).toMatchObject({ idValue: "erase-me", status: "completed" });
    expect(view.suppressions.map((s) => s.userId)).toContain("erase-me");
    const audit = await (await prisma()).auditEvent.findFirst({
      where: { workspaceId: wsId, action: "privacy.deletion_requested", targetName: "userId erase-me" },
    });
    expect(JSON.parse(audit!.summary).after).toMatchObject({ status: "completed", suppress: true });

    // Suppressed: accepted by the API, never stored (the ingest re-reads settings within a second).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await send({ userId: "erase-me", event: "D" })).status).toBe(200);
    expect(await archivedFor("erase-me")).toBe(0);
    expect((await owner.put(api("/suppressions"), { userId: "erase-me", suppressed: false })).status).toBe(
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await send({ userId: "erase-me", event: "E" })).status).toBe(200);
    expect(await archivedFor("erase-me")).toBe(1);
  });
});
