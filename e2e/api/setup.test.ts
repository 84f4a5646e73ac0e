import { beforeAll, describe, expect, it } from "vitest";
import { openStream } from "@/e2e/api/sse";
import {
  addMember,
  baseUrl,
  type Client,
  clientFor,
  createUser,
  createWorkspace,
  prisma,
} from "@/e2e/api/support";
import { loadDestinationSettings } from "@/lib/destinations/service";
import type { SetupState } from "@/lib/use-cases/types";

// Every guided-setup route under every role (owner decides; source admin and read-only member
// only read; outsiders get 404; nobody signed in gets 401), the lock after review, verification
// from real events over HTTP, publishing to prod (new write key, same secret settings), the audit.

type ErrorReply = { error: { code: string; message: string; fields?: { path: string }[] } };
type Users = { id: string; email: string; name: string };

let ws: string;
let workspaceId: string;
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let ownerUser: Users;
let devSource: { id: string; writeKey: string };
let prodSourceId: string;
let prodWriteKey: string;
let devHook: string;
let foreignSource: string;
const api = (path = "") => `/api/workspaces/${ws}/setup${path}`;
const WINBACK = { goalId: "personalize-communications", useCaseSlug: "personalize-winback" };
const SECRET = "Bearer setup-S3CRET-9";

const POST_ROUTES: [string, unknown][] = [
  ["", WINBACK],
  ["/environments", {}],
  ["/review", {}],
  ["/change", {}],
  ["/copy-source", { sourceId: "x" }],
  ["/copy-destination", { destinationId: "x", prodSourceId: "y" }],
  ["/complete", {}],
];

async function track(writeKey: string, event: string, properties: Record<string, unknown> = {}) {
  const res = await fetch(`${baseUrl}/v1/track`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ userId: "u1", event, properties }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  const [o, a, r, x] = await Promise.all(["owner", "admin", "reader", "outsider"].map((l) => createUser(l)));
  ownerUser = o!;
  const workspace = await createWorkspace(o!.id);
  const other = await createWorkspace(x!.id);
  ws = workspace.slug;
  workspaceId = workspace.id;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, reader, outsider, anon] = [o!, a!, r!, x!, null].map((u) => clientFor(u));
  const foreign = await outsider.post<{ source: { id: string } }>(`/api/workspaces/${other.slug}/sources`, {
    name: "Theirs",
    type: "website",
    environment: "dev",
  });
  foreignSource = foreign.body.source.id;
});

describe("guided setup API", () => {
  it("answers 401 without a session and 404 to outsiders, on every route", async () => {
    expect((await anon.get(api())).status).toBe(401);
    expect((await outsider.get(api())).status).toBe(404);
    for (const [path, body] of POST_ROUTES) {
      expect((await anon.post(api(path), body)).status, path).toBe(401);
      expect((await outsider.post(api(path), body)).status, path).toBe(404);
    }
  });

  it("shows a new workspace the welcome state to every role", async () => {
    const mine = await owner.get<SetupState>(api());
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ setup: null, progress: null, fresh: true, canEdit: true });
    const theirs = await reader.get<SetupState>(api());
    expect(theirs.body).toMatchObject({ setup: null, fresh: true, canEdit: false });
    expect((await admin.get<SetupState>(api())).body.canEdit).toBe(false);
  });

  it("refuses every choice to a read-only member and a source admin with 403", async () => {
    for (const client of [reader, admin])
      for (const [path, body] of POST_ROUTES) {
        const res = await client.post<ErrorReply>(api(path), body);
        expect(res.status, path).toBe(403);
        expect(res.body.error.code).toBe("forbidden");
      }
    expect((await owner.get<SetupState>(api())).body.setup).toBeNull();
  });

  it("validates the choice against the catalog", async () => {
    const res = await owner.post<ErrorReply>(api(), {
      goalId: "personalize-communications",
      useCaseSlug: "nope",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.[0]?.path).toBe("useCaseSlug");
    expect((await owner.post(api("/review"))).status).toBe(409);
  });

  it("chooses a use case, acknowledges dev/prod, and can start over before the review", async () => {
    const chosen = await owner.post<SetupState>(api(), {
      goalId: "optimize-advertising",
      useCaseSlug: "mitigate-cart-abandonment",
    });
    expect(chosen.status).toBe(201);
    expect(chosen.body.setup).toMatchObject({ useCaseSlug: "mitigate-cart-abandonment", reviewedAt: null });
    expect(chosen.body.progress?.events.map((e) => e.event)).toEqual(["Checkout Started", "Order Completed"]);
    const changed = await owner.post<SetupState>(api("/change"));
    expect(changed.status).toBe(200);
    expect(changed.body.setup).toBeNull();
    expect((await owner.post<SetupState>(api(), WINBACK)).status).toBe(201);
    const ack = await owner.post<SetupState>(api("/environments"));
    expect(ack.body.setup?.environmentsAt).toEqual(expect.any(String));
    const seen = await reader.get<SetupState>(api());
    expect(seen.body.setup?.useCaseSlug).toBe("personalize-winback");
    expect(seen.body.progress?.done).toBe(0);
  });

  it("locks the use case once reviewed: change and re-choose answer 409", async () => {
    const reviewed = await owner.post<SetupState>(api("/review"), { library: "node" });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.setup).toMatchObject({ library: "node", reviewedAt: expect.any(String) });
    expect(reviewed.body.progress?.steps.find((s) => s.id === "review")?.done).toBe(true);
    for (const [path, body] of [
      ["/change", {}],
      ["", WINBACK],
      ["/review", {}],
    ] as const) {
      const res = await owner.post<ErrorReply>(api(path), body);
      expect(res.status, path).toBe(409);
      expect(res.body.error.code).toBe("conflict");
    }
    expect((await owner.post<ErrorReply>(api("/review"), { library: "cobol" })).status).toBe(400);
  });

  it("ticks off dev events sent over HTTP, live on the stream and in the state", async () => {
    const created = await owner.post<{ source: { id: string }; writeKey: string }>(
      `/api/workspaces/${ws}/sources`,
      {
        name: "Site",
        type: "website",
        environment: "dev",
        websiteUrl: "https://shop.example.com",
      },
    );
    devSource = { id: created.body.source.id, writeKey: created.body.writeKey };
    const stream = await openStream(ownerUser, api("/events"));
    expect(stream.status).toBe(200);
    const states = () =>
      stream.events.filter((e) => e.event === "state").map((e) => JSON.parse(e.data) as SetupState);
    await stream.until(() => states().length > 0);
    expect(states()[0]!.progress?.steps.find((s) => s.id === "dev-sources")?.done).toBe(true);
    await track(devSource.writeKey, "Page Viewed", { page_name: "Pricing" });
    await track(devSource.writeKey, "Page Scrolled", { pct_scrolled: 50 });
    await stream.until(() => states().some((s) => s.progress?.events[1]?.dev !== null), 3000);
    expect(states().at(-1)!.progress?.devVerified).toBe(false);
    // Sent under the wrong case: not counted, but the checklist says which name was meant.
    await track(devSource.writeKey, "order completed", { order_id: "o0" });
    const hinted = (s: SetupState) => s.progress?.events[2]?.nearMiss.dev === "order completed";
    await stream.until(() => states().some(hinted), 5000);
    expect(states().find(hinted)!.progress?.events[2]?.dev).toBeNull();
    expect(states().find(hinted)!.progress?.devVerified).toBe(false);
    await track(devSource.writeKey, "Order Completed", { order_id: "o1" });
    await stream.until(() => states().some((s) => s.progress?.devVerified), 3000);
    // Once the real name has arrived the hint goes away.
    expect(states().at(-1)!.progress?.events[2]?.nearMiss.dev).toBeNull();
    await stream.close();
    const state = (await reader.get<SetupState>(api())).body;
    expect(state.progress?.events.map((e) => [e.event, e.dev?.count, e.dev?.sourceId])).toEqual([
      ["Page Viewed", 1, devSource.id],
      ["Page Scrolled", 1, devSource.id],
      ["Order Completed", 1, devSource.id],
    ]);
    expect(state.setup?.devVerifiedAt).toEqual(expect.any(String));
  });

  it("refuses to copy a source that is not dev, or belongs to another workspace", async () => {
    const other = await owner.post<ErrorReply>(api("/copy-source"), { sourceId: foreignSource });
    expect(other.status).toBe(404);
    const prodOnly = await owner.post<{ source: { id: string } }>(`/api/workspaces/${ws}/sources`, {
      name: "Legacy",
      type: "node",
      environment: "prod",
    });
    const res = await owner.post<ErrorReply>(api("/copy-source"), { sourceId: prodOnly.body.source.id });
    expect(res.status).toBe(400);
    expect(res.body.error.fields?.[0]?.path).toBe("sourceId");
    await owner.delete(`/api/workspaces/${ws}/sources/${prodOnly.body.source.id}`);
  });

  it("publishes a dev source to prod with its own write key and the same settings", async () => {
    const res = await owner.post<{
      source: { id: string; name: string; environment: string; type: string };
      writeKey: string;
    }>(api("/copy-source"), { sourceId: devSource.id });
    expect(res.status).toBe(201);
    expect(res.body.source).toMatchObject({ name: "Site (prod)", environment: "prod", type: "website" });
    expect(res.body.writeKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(res.body.writeKey).not.toBe(devSource.writeKey);
    prodSourceId = res.body.source.id;
    prodWriteKey = res.body.writeKey;
    const row = await (await prisma()).source.findUniqueOrThrow({ where: { id: prodSourceId } });
    expect(row.websiteUrl).toBe("https://shop.example.com");
    const again = await owner.post<ErrorReply>(api("/copy-source"), { sourceId: devSource.id });
    expect(again.status).toBe(409);
  });

  it("publishes a dev destination to prod with the same secret settings and filters", async () => {
    const hook = await owner.post<{ destination: { id: string } }>(`/api/workspaces/${ws}/destinations`, {
      type: "webhook",
      name: "Hook",
      sourceIds: [devSource.id],
      enabled: true,
      settings: { url: "https://hooks.example.com/in", headers: [{ key: "Authorization", value: SECRET }] },
    });
    devHook = hook.body.destination.id;
    const filter = { name: "No tests", condition: 'contains(event, "Test")', action: "drop", config: {} };
    expect((await owner.post(`/api/workspaces/${ws}/destinations/${devHook}/filters`, filter)).status).toBe(
      201,
    );
    const dev = await reader.get<SetupState>(api());
    expect(dev.body.progress?.steps.filter((s) => s.done).map((s) => s.id)).toEqual([
      "review",
      "dev-sources",
      "dev-destinations",
      "dev-verify",
      "prod-source",
    ]);
    expect(
      (await reader.post(api("/copy-destination"), { destinationId: devHook, prodSourceId })).status,
    ).toBe(403);
    const wrong = await owner.post<ErrorReply>(api("/copy-destination"), {
      destinationId: devHook,
      prodSourceId: devSource.id,
    });
    expect(wrong.status).toBe(400);
    const res = await owner.post<{
      destination: {
        id: string;
        name: string;
        enabled: boolean;
        sources: { id: string }[];
        settings: Record<string, unknown>;
      };
    }>(api("/copy-destination"), { destinationId: devHook, prodSourceId });
    expect(res.status).toBe(201);
    const copy = res.body.destination;
    expect(copy).toMatchObject({ name: "Hook (prod)", enabled: true, sources: [{ id: prodSourceId }] });
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(await loadDestinationSettings(copy.id)).toEqual(await loadDestinationSettings(devHook));
    expect(await loadDestinationSettings(copy.id)).toMatchObject({
      headers: [{ key: "Authorization", value: SECRET }],
    });
    const db = await prisma();
    const [a, b] = await Promise.all(
      [devHook, copy.id].map((id) =>
        db.destination.findUniqueOrThrow({ where: { id }, omit: { secretsCipher: false } }),
      ),
    );
    expect(b!.secretsCipher).not.toBe(a!.secretsCipher);
    const filters = await db.filter.findMany({ where: { destinationId: copy.id } });
    expect(filters.map((f) => [f.name, f.condition, f.action])).toEqual([
      ["No tests", 'contains(event, "Test")', "drop"],
    ]);
  });

  it("completes only after an event arrives on a prod source", async () => {
    const early = await owner.post<ErrorReply>(api("/complete"));
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("prod source");
    await track(prodWriteKey, "Order Completed", { order_id: "p1" });
    const state = (await owner.get<SetupState>(api())).body;
    expect(state.progress?.prodVerified).toBe(true);
    expect(state.progress?.events[2]?.prod?.sourceId).toBe(prodSourceId);
    expect((await reader.post(api("/complete"))).status).toBe(403);
    const done = await owner.post<SetupState>(api("/complete"));
    expect(done.status).toBe(200);
    expect(done.body.setup?.completedAt).toEqual(expect.any(String));
    expect(done.body.progress?.percent).toBe(100);
    expect((await owner.post(api("/complete"))).status).toBe(409);
  });

  it("records every step in the audit log", async () => {
    const rows = await (await prisma()).auditEvent.findMany({
      where: { workspaceId, action: { startsWith: "setup." } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(rows.map((r) => r.action)).toEqual([
      "setup.use_case_chosen",
      "setup.use_case_changed",
      "setup.use_case_chosen",
      "setup.environments_acknowledged",
      "setup.events_reviewed",
      "setup.dev_verified",
      "setup.source_published",
      "setup.destination_published",
      "setup.prod_verified",
      "setup.completed",
    ]);
    expect(rows.find((r) => r.action === "setup.dev_verified")?.actorId).toBeNull();
    expect(rows.find((r) => r.action === "setup.completed")?.actorEmail).toBe(ownerUser.email);
    for (const r of rows) expect(r.summary).not.toContain(SECRET);
  });
});
