import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, baseUrl, type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";
import { openRaw } from "@/lib/db/open";
import type { ConnectionsView } from "@/lib/metrics/connections";
import { DAY, HOUR } from "@/lib/metrics/period";
import { recordHistory, seeded } from "@/lib/metrics/testing/history";

// The Connections overview's API: every source and destination with the links between them, the
// events each source received (sent through the tracking API), delivery counts equal to the
// outcomes in the window (history written through the delivery engine's recorder), label scoping
// (a dev-scoped admin sees dev sources and only their share of a shared destination), and no
// trace of another workspace.

let db: Database.Database;
let ws: string;
let foreignWs: string;
let owner: Client;
let reader: Client;
let devAdmin: Client;
let outsider: Client;
const ids: Record<string, string> = {};
const path = (slug = ws) => `/api/workspaces/${slug}/connections`;

async function track(writeKey: string, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${baseUrl}/v1/track`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ userId: `u${i}`, event: "Connections Test" }),
    });
    expect(res.status).toBe(200);
  }
}

async function source(client: Client, slug: string, name: string, type: string, environment: string) {
  const r = await client.post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${slug}/sources`,
    {
      name,
      type,
      environment,
    },
  );
  expect(r.status).toBe(201);
  return r.body;
}

async function webhook(client: Client, slug: string, name: string, sourceIds: string[]) {
  // Disabled (the default): the test's own history is the only delivery traffic.
  const r = await client.post<{ destination: { id: string } }>(`/api/workspaces/${slug}/destinations`, {
    type: "webhook",
    name,
    sourceIds,
    settings: { url: "https://hooks.example.com/in" },
  });
  expect(r.status).toBe(201);
  return r.body.destination.id;
}

/** Delivered / not delivered outcomes of one (destination, source) pair inside the answer's window. */
function outcomes(view: ConnectionsView, destinationId: string, sourceId: string) {
  const rows = db
    .prepare(
      `SELECT "status", COUNT(*) AS "n" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "sourceId" = ?
         AND "finishedAt" >= ? AND "finishedAt" < ? GROUP BY 1`,
    )
    .all(destinationId, sourceId, view.window.from, view.window.to) as { status: string; n: number }[];
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { delivered: by.delivered ?? 0, notDelivered: by.not_delivered ?? 0 };
}

beforeAll(async () => {
  const [o, r, d, x] = await Promise.all(
    ["owner", "reader", "devadmin", "outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id, "Connections");
  const foreign = await createWorkspace(x!.id, "Elsewhere");
  ws = workspace.slug;
  foreignWs = foreign.slug;
  await addMember(workspace.id, r!.id, "read_only");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  [owner, reader, devAdmin, outsider] = [o!, r!, d!, x!].map((u) => clientFor(u));

  const web = await source(owner, ws, "Web", "website", "prod");
  const backend = await source(owner, ws, "Backend", "node", "prod");
  const app = await source(owner, ws, "App", "ios", "dev");
  ids.web = web.source.id;
  ids.backend = backend.source.id;
  ids.app = app.source.id;
  ids.shared = await webhook(owner, ws, "Shared hook", [ids.web, ids.app]);
  ids.prodOnly = await webhook(owner, ws, "Prod hook", [ids.backend]);
  ids.spare = await webhook(owner, ws, "Spare hook", []);
  await track(web.writeKey, 3);
  await track(app.writeKey, 2);

  const theirs = await source(outsider, foreignWs, "Their web", "website", "prod");
  ids.theirs = theirs.source.id;
  ids.theirHook = await webhook(outsider, foreignWs, "Their hook", [ids.theirs]);
  await track(theirs.writeKey, 4);

  db = openRaw(process.env.DATABASE_URL!);
  const now = Date.now();
  // Two days of history: the answer must count only its own window, per source.
  recordHistory({
    db,
    workspaceId: workspace.id,
    destinations: [ids.shared],
    sources: [ids.web, ids.app],
    from: now - 2 * DAY,
    to: now - 60_000,
    count: 600,
    notDelivered: 0.2,
    random: seeded(7),
    firstSeq: 7_000_000,
  });
  recordHistory({
    db,
    workspaceId: workspace.id,
    destinations: [ids.prodOnly],
    sources: [ids.backend],
    from: now - 20 * HOUR,
    to: now - 60_000,
    count: 100,
    notDelivered: 0.1,
    random: seeded(8),
    firstSeq: 7_100_000,
  });
  recordHistory({
    db,
    workspaceId: foreign.id,
    destinations: [ids.theirHook],
    sources: [ids.theirs],
    from: now - 20 * HOUR,
    to: now - 60_000,
    count: 50,
    random: seeded(9),
    firstSeq: 7_200_000,
  });
  // Two messages waiting for another attempt (far in the future, so no worker takes them).
  const insert = db.prepare(
    `INSERT INTO "DeliveryJob" ("destinationId", "workspaceId", "sourceId", "seq", "messageId", "type", "receivedAt",
       "attempts", "nextAttemptAt", "deadlineAt", "createdAt") VALUES (?, ?, ?, ?, ?, 'track', ?, 2, ?, ?, ?)`,
  );
  for (const seq of [7_300_000, 7_300_001])
    insert.run(ids.prodOnly, workspace.id, ids.backend, seq, `retry-${seq}`, now, now + DAY, now + DAY, now);
});
afterAll(() => db?.close());

describe("GET /api/workspaces/:workspace/connections", () => {
  it("answers every member with the sources, destinations and links, and the 24 h numbers", async () => {
    for (const client of [owner, reader]) {
      const { status, body } = await client.get<ConnectionsView>(path());
      expect(status).toBe(200);
      expect(body.sources.map((s) => [s.name, s.environment, s.received])).toEqual([
        ["App", "dev", 2],
        ["Backend", "prod", 0],
        ["Web", "prod", 3],
      ]);
      expect(body.sources.find((s) => s.id === ids.app)?.typeName).toBe("iOS (Swift)");
      expect(body.destinations.map((d) => d.name)).toEqual(["Prod hook", "Shared hook", "Spare hook"]);
      expect(body.connections.map((c) => `${c.sourceId}>${c.destinationId}`).sort()).toEqual(
        [`${ids.web}>${ids.shared}`, `${ids.app}>${ids.shared}`, `${ids.backend}>${ids.prodOnly}`].sort(),
      );
      for (const c of body.connections) {
        expect({ delivered: c.delivered, notDelivered: c.notDelivered }).toEqual(
          outcomes(body, c.destinationId, c.sourceId),
        );
      }
      const shared = body.destinations.find((d) => d.id === ids.shared)!;
      const web = outcomes(body, ids.shared, ids.web);
      const app = outcomes(body, ids.shared, ids.app);
      expect(shared.delivered).toBe(web.delivered + app.delivered);
      expect(shared.notDelivered).toBe(web.notDelivered + app.notDelivered);
      expect(shared.notDelivered).toBeGreaterThan(0);
      // The window is the last day, not the two days of history.
      expect(shared.delivered + shared.notDelivered).toBeLessThan(500);
      const prod = body.destinations.find((d) => d.id === ids.prodOnly)!;
      expect(prod.delivered).toBe(outcomes(body, ids.prodOnly, ids.backend).delivered);
      expect(prod.retrying).toBe(2);
      expect(body.sources.find((s) => s.id === ids.backend)!.delivered).toBe(prod.delivered);
      expect(body.destinations.find((d) => d.id === ids.spare)).toMatchObject({ delivered: 0, retrying: 0 });
      expect(body.firstSteps).toEqual({ source: true, event: true, destination: true });
      expect(body.labels).toBeNull();
    }
  });

  it("shows a label-scoped member only their sources, and only their share of a shared destination", async () => {
    const { status, body } = await devAdmin.get<ConnectionsView>(path());
    expect(status).toBe(200);
    expect(body.labels).toEqual(["dev"]);
    expect(body.sources.map((s) => s.name)).toEqual(["App"]);
    expect(body.destinations.map((d) => d.name)).toEqual(["Shared hook"]);
    expect(body.connections).toEqual([
      { sourceId: ids.app, destinationId: ids.shared, ...outcomes(body, ids.shared, ids.app) },
    ]);
    expect(body.destinations[0]).toMatchObject(outcomes(body, ids.shared, ids.app));
  });

  it("keeps workspaces apart: 404 for another workspace, nothing of theirs in the answer", async () => {
    expect((await outsider.get(path())).status).toBe(404);
    expect((await owner.get(path(foreignWs))).status).toBe(404);
    const mine = await owner.get<ConnectionsView>(path());
    const names = [...mine.body.sources, ...mine.body.destinations].map((n) => n.name);
    expect(names).not.toContain("Their web");
    expect(names).not.toContain("Their hook");
    const theirs = await outsider.get<ConnectionsView>(path(foreignWs));
    expect(theirs.body.sources.map((s) => [s.name, s.received])).toEqual([["Their web", 4]]);
    expect(theirs.body.destinations.map((d) => d.name)).toEqual(["Their hook"]);
    expect(theirs.body.destinations[0]).toMatchObject(outcomes(theirs.body, ids.theirHook, ids.theirs));
    const anon = await clientFor(null).get<{ error: { message: string } }>(path());
    expect(anon.status).toBe(401);
    expect(anon.body.error.message).toBe("Sign in to continue");
  });

  it("reports the first steps of an empty workspace, and each one once done", async () => {
    const person = await createUser("fresh");
    const fresh = await createWorkspace(person.id, "Fresh");
    const me = clientFor(person);
    const empty = await me.get<ConnectionsView>(path(fresh.slug));
    expect(empty.body).toMatchObject({
      sources: [],
      destinations: [],
      connections: [],
      firstSteps: { source: false, event: false, destination: false },
    });
    await webhook(me, fresh.slug, "Early hook", []);
    const s = await source(me, fresh.slug, "First", "node", "dev");
    let view = (await me.get<ConnectionsView>(path(fresh.slug))).body;
    expect(view.firstSteps).toEqual({ source: true, event: false, destination: true });
    await track(s.writeKey, 1);
    view = (await me.get<ConnectionsView>(path(fresh.slug))).body;
    expect(view.firstSteps).toEqual({ source: true, event: true, destination: true });
    expect(view.sources[0]!.received).toBe(1);
  });
});
