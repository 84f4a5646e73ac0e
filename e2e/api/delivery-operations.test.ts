import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, baseUrl, type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";
import { openRaw } from "@/lib/db/open";
import type { EventDeliveryView } from "@/lib/delivery/event-delivery";
import type { ReplayView } from "@/lib/delivery/replay-runs";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";
import type { DeliveryControlView, ErrorsView, KeyMetricsView, OverviewView } from "@/lib/metrics/types";

// Delivery operations against the built server and its own delivery engine: a webhook answering
// 500 shows its retried failures (status code, samples) while nothing is final; pause, resume and
// discard by role; replay of a window to a second webhook with exact counts and the original
// messageIds; the debugger's per-event delivery. Every route: 401 anonymous, 403 read-only and
// out-of-scope admins, 404 other workspaces, 400 for malformed input.

let db: Database.Database;
let ws: string;
let sourceId: string;
let writeKey: string;
let failing: string;
let second: string;
let foreignDest: string;
let owner: Client;
let admin: Client;
let scoped: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let sink500: Sink;
let sinkOk: Sink;
const sent: string[] = [];
const dest = (id: string) => `/api/workspaces/${ws}/destinations/${id}`;
type ErrorReply = { error: { code: string; message: string } };

/** Polls an async check until it returns something (or fails after timeoutMs). */
async function until<T>(check: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function track(event: string, messageId: string) {
  const res = await fetch(`${baseUrl}/v1/track`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ userId: "u-1", event, messageId }),
  });
  expect(res.status).toBe(200);
  sent.push(messageId);
}

beforeAll(async () => {
  sink500 = await startSink({ kind: "status", status: 500, body: '{"error":"down for maintenance"}' });
  sinkOk = await startSink();
  const [o, a, s, r, x] = await Promise.all(
    ["owner", "admin", "scoped", "reader", "outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id, "Delivery operations");
  const foreign = await createWorkspace(x!.id, "Elsewhere");
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, s!.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r!.id, "read_only");
  ws = workspace.slug;
  [owner, admin, scoped, reader, outsider, anon] = [o, a, s, r, x, null].map((u) => clientFor(u ?? null));
  const source = await owner.post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${ws}/sources`,
    {
      name: "Shop",
      type: "website",
      environment: "prod",
    },
  );
  sourceId = source.body.source.id;
  writeKey = source.body.writeKey;
  const hook = async (name: string, url: string) =>
    (
      await owner.post<{ destination: { id: string } }>(`/api/workspaces/${ws}/destinations`, {
        type: "webhook",
        name,
        enabled: true,
        sourceIds: [sourceId],
        settings: { url },
      })
    ).body.destination.id;
  failing = await hook("Failing hook", `${sink500.url}/in`);
  const other = await outsider.post<{ destination: { id: string } }>(
    `/api/workspaces/${foreign.slug}/destinations`,
    {
      type: "webhook",
      name: "Theirs",
      settings: { url: "https://hooks.example.com/theirs" },
    },
  );
  foreignDest = other.body.destination.id;
  db = openRaw(process.env.DATABASE_URL!);
  for (let i = 0; i < 4; i++) await track("Order Completed", `ops-${i}`);
  // The second webhook is added once the four are routed: it gets them only by replay.
  await until(
    async () =>
      (db
        .prepare(`SELECT COUNT(*) FROM "DeliveryOutcome" WHERE "destinationId" = ?`)
        .pluck()
        .get(failing) as number) === 4,
    20_000,
  );
  second = await hook("Second hook", `${sinkOk.url}/replayed`);
});
afterAll(async () => {
  db?.close();
  await sink500?.close();
  await sinkOk?.close();
});

describe("delivery operations API", () => {
  it("shows retried failures with status code and samples while nothing is final yet", async () => {
    const errors = await until(async () => {
      const r = await reader.get<ErrorsView>(`${dest(failing)}/delivery/errors?period=1h`);
      const row = r.body.errors?.find((e) => e.state === "retrying" && e.httpStatus === 500);
      return row && row.samples.length > 0 ? r.body : null;
    }, 20_000);
    expect(errors.total).toBe(0);
    const row = errors.errors.find((e) => e.state === "retrying")!;
    expect(row).toMatchObject({ errorType: "server_error", httpStatus: 500, state: "retrying" });
    expect(row.messages).toBeGreaterThan(0);
    expect(row.samples[0]!.errorMessage).toMatch(/500/);
    const metrics = (await reader.get<KeyMetricsView>(`${dest(failing)}/delivery/metrics?period=1h`)).body;
    expect(metrics.notDelivered).toBe(0);
    expect(metrics.retryingNow).toBeGreaterThan(0);
    expect(metrics.failedAttempts).toBeGreaterThanOrEqual(row.attempts);
    // The workspace overview uses the same figures.
    const overview = (await reader.get<OverviewView>(`/api/workspaces/${ws}/delivery/overview`)).body;
    const health = overview.destinations.find((d) => d.destinationId === failing)!;
    expect(health.pendingRetries).toBe(metrics.retryingNow);
    expect(health.failedAttempts).toBeGreaterThan(0);
    // Period windows end at the present.
    expect(Date.parse(metrics.window.to)).toBeLessThanOrEqual(Date.now());
  }, 30_000);

  it("lets owners and Source Admins pause and resume; read-only members see the state only", async () => {
    const pause = `${dest(failing)}/delivery/pause`;
    expect((await anon.post(pause)).status).toBe(401);
    expect((await reader.post(pause)).status).toBe(403);
    expect((await scoped.post(pause)).status).toBe(403);
    expect((await outsider.post(pause)).status).toBe(404);
    expect((await owner.post(`${dest(foreignDest)}/delivery/pause`)).status).toBe(404);
    const paused = await admin.post<DeliveryControlView>(pause);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true });
    const seen = await reader.get<DeliveryControlView>(`${dest(failing)}/delivery/control`);
    expect(seen.body.paused).toBe(true);
    expect((await outsider.get(`${dest(failing)}/delivery/control`)).status).toBe(404);
    const resumed = await owner.post<DeliveryControlView>(`${dest(failing)}/delivery/resume`);
    expect(resumed.body.paused).toBe(false);
    expect((await reader.post(`${dest(failing)}/delivery/resume`)).status).toBe(403);
    const audit = db
      .prepare(`SELECT "action" FROM "AuditEvent" WHERE "targetId" = ? ORDER BY "createdAt"`)
      .pluck()
      .all(failing) as string[];
    expect(audit).toEqual(
      expect.arrayContaining(["destination.delivery_paused", "destination.delivery_resumed"]),
    );
  });

  it("discards queued messages of one error type as not delivered, reason discarded", async () => {
    const discard = `${dest(failing)}/delivery/discard`;
    expect((await reader.post(discard, {})).status).toBe(403);
    expect((await outsider.post(discard, {})).status).toBe(404);
    const bad = await owner.post<ErrorReply>(discard, { errorType: "no_such_type" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Unknown error type/);
    expect((await owner.post(discard, { everything: true })).status).toBe(400);
    expect((await owner.post(`${dest(failing)}/delivery/pause`)).status).toBe(200);
    // Attempts in flight finish first; then every queued message is discardable.
    const done = await until(async () => {
      const r = await owner.post<{ discarded: number; inFlight: number }>(discard, {
        errorType: "server_error",
      });
      return r.status === 200 && r.body.inFlight === 0 && r.body.discarded > 0 ? r.body : null;
    }, 15_000);
    expect(done.discarded).toBeGreaterThan(0);
    const metrics = (await reader.get<KeyMetricsView>(`${dest(failing)}/delivery/metrics?period=1h`)).body;
    expect(metrics.retryingNow).toBe(0);
    expect(metrics.notDelivered).toBe(4);
    const errors = (await reader.get<ErrorsView>(`${dest(failing)}/delivery/errors?period=1h`)).body;
    expect(errors.total).toBe(4);
    expect(errors.errors.filter((e) => e.state === "final").every((e) => e.errorType === "discarded")).toBe(
      true,
    );
    expect((await owner.post(`${dest(failing)}/delivery/resume`)).status).toBe(200);
  }, 30_000);

  it("replays the last hour to a second webhook with exact counts and the original messageIds", async () => {
    const replays = `${dest(second)}/replays`;
    const now = Date.now();
    const body = {
      sourceIds: [sourceId],
      from: new Date(now - 3_600_000).toISOString(),
      to: new Date(now).toISOString(),
    };
    expect((await anon.post(replays, body)).status).toBe(401);
    expect((await reader.post(replays, body)).status).toBe(403);
    expect((await scoped.post(replays, body)).status).toBe(403);
    expect((await outsider.post(replays, body)).status).toBe(404);
    const backwards = await owner.post<ErrorReply>(replays, { ...body, from: body.to, to: body.from });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe("to: The start must be before the end");
    const tooOld = await owner.post<ErrorReply>(replays, {
      ...body,
      from: new Date(now - 30 * 86_400_000).toISOString(),
    });
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.error.message).toMatch(/The archive keeps messages for 7 days/);
    const notConnected = await owner.post<ErrorReply>(replays, { ...body, sourceIds: ["src_elsewhere"] });
    expect(notConnected.status).toBe(400);
    expect((await owner.post(replays, { ...body, sourceIds: [] })).status).toBe(400);

    const started = await admin.post<ReplayView>(replays, body);
    expect(started.status).toBe(201);
    const done = await until(async () => {
      const r = await reader.get<{ replays: ReplayView[]; retentionDays: number }>(replays);
      const mine = r.body.replays.find((x) => x.id === started.body.id);
      return mine?.status === "done" ? { mine, retentionDays: r.body.retentionDays } : null;
    }, 20_000);
    expect(done.retentionDays).toBe(7);
    expect(done.mine).toMatchObject({
      routed: 4,
      delivered: 4,
      filtered: 0,
      alreadyQueued: 0,
      failed: 0,
      pending: 0,
    });
    expect(sinkOk.requests.map((r) => r.headers["idempotency-key"]).sort()).toEqual([...sent].sort());
    const metrics = (await reader.get<KeyMetricsView>(`${dest(second)}/delivery/metrics?period=1h`)).body;
    expect(metrics).toMatchObject({ delivered: 4, replayed: 4 });
    expect((await owner.post(`${replays}/999999/cancel`)).status).toBe(404);
    expect((await reader.post(`${replays}/${started.body.id}/cancel`)).status).toBe(403);
    expect((await outsider.get(replays)).status).toBe(404);
    const audit = db
      .prepare(
        `SELECT COUNT(*) FROM "AuditEvent" WHERE "targetId" = ? AND "action" = 'destination.replay_started'`,
      )
      .pluck()
      .get(second);
    expect(audit).toBe(1);
  }, 40_000);

  it("shows one event's delivery per destination in the debugger", async () => {
    const seq = db.prepare(`SELECT "seq" FROM "Message" WHERE "messageId" = 'ops-0'`).pluck().get() as number;
    const path = `/api/workspaces/${ws}/sources/${sourceId}/events/${seq}/delivery`;
    const view = await reader.get<EventDeliveryView>(path);
    expect(view.status).toBe(200);
    const by = new Map(view.body.destinations.map((d) => [d.name, d]));
    expect(by.get("Failing hook")).toMatchObject({ state: "not_delivered", errorType: "discarded" });
    expect(by.get("Second hook")).toMatchObject({ state: "delivered", httpStatus: 200, replayed: true });
    expect((await outsider.get(path)).status).toBe(404);
    expect((await anon.get(path)).status).toBe(401);
    expect((await reader.get(`/api/workspaces/${ws}/sources/${sourceId}/events/abc/delivery`)).status).toBe(
      404,
    );
    expect(
      (await reader.get(`/api/workspaces/${ws}/sources/${sourceId}/events/99999999/delivery`)).status,
    ).toBe(404);
  });
});
