import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";
import { openRaw } from "@/lib/db/open";
import { DAY, HOUR } from "@/lib/metrics/period";
import { recordHistory, seeded } from "@/lib/metrics/testing/history";
import type { ErrorsView, KeyMetricsView, OverviewView, SampleView, TrendsView } from "@/lib/metrics/types";

// The Event Delivery API under every role: members read (owner, source admin, read-only), only
// owners and source admins retry, other workspaces get 404, anonymous callers 401, and periods
// are validated with a message. History is written straight into the server's database through
// the delivery engine's recorder, so the answers can be checked against the outcomes.

let db: Database.Database;
let ws: string;
let dest: string;
let foreignDest: string;
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
const base = () => `/api/workspaces/${ws}/destinations/${dest}/delivery`;
type ErrorReply = { error: { code: string; message: string } };

beforeAll(async () => {
  const [o, a, r, x] = await Promise.all(["owner", "admin", "reader", "outsider"].map((l) => createUser(l)));
  const workspace = await createWorkspace(o!.id, "Delivery dashboards");
  const foreign = await createWorkspace(x!.id, "Elsewhere");
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, r!.id, "read_only");
  ws = workspace.slug;
  [owner, admin, reader, outsider, anon] = [
    clientFor(o!),
    clientFor(a!),
    clientFor(r!),
    clientFor(x!),
    clientFor(null),
  ];
  const source = await owner.post<{ source: { id: string } }>(`/api/workspaces/${ws}/sources`, {
    name: "Site",
    type: "website",
    environment: "prod",
  });
  const created = await owner.post<{ destination: { id: string } }>(`/api/workspaces/${ws}/destinations`, {
    type: "webhook",
    name: "Hook",
    sourceIds: [source.body.source.id],
    settings: { url: "https://hooks.example.com/in" },
  });
  dest = created.body.destination.id;
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
  const now = Date.now();
  recordHistory({
    db,
    workspaceId: workspace.id,
    destinations: [dest],
    sources: [source.body.source.id],
    from: now - 2 * DAY,
    to: now - 60_000,
    count: 3000,
    notDelivered: 0.2,
    random: seeded(11),
    firstSeq: 5_000_000,
  });
});
afterAll(() => db?.close());

function outcomes(window: { from: string; to: string }) {
  const rows = db
    .prepare(
      `SELECT "status", COUNT(*) AS "n" FROM "DeliveryOutcome" WHERE "destinationId" = ? AND "finishedAt" >= ? AND "finishedAt" < ?
       GROUP BY 1`,
    )
    .all(dest, Date.parse(window.from), Date.parse(window.to)) as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe("Event Delivery API", () => {
  it("answers every panel to every member, with counts equal to the outcomes", async () => {
    for (const client of [owner, admin, reader]) {
      const m = await client.get<KeyMetricsView>(`${base()}/metrics?period=24h`);
      expect(m.status).toBe(200);
      const want = outcomes(m.body.window);
      expect(m.body.delivered).toBe(want.delivered ?? 0);
      expect(m.body.notDelivered).toBe(want.not_delivered ?? 0);
      expect(m.body.notDelivered).toBeGreaterThan(0);
      expect(m.body.p95Ms).toBeGreaterThan(0);
      const e = await client.get<ErrorsView>(`${base()}/errors?period=24h`);
      expect(e.status).toBe(200);
      expect(e.body.total).toBe(m.body.notDelivered);
      const t = await client.get<TrendsView>(`${base()}/trends?period=24h`);
      // 24 hours back from the present on the 15-minute grid: 96 buckets plus the partial first one.
      expect(t.body.points.length).toBeGreaterThanOrEqual(96);
      expect(t.body.points.length).toBeLessThanOrEqual(97);
      expect(Date.parse(t.body.window.to)).toBeLessThanOrEqual(Date.now());
      expect(t.body.points.reduce((n, p) => n + p.delivered, 0)).toBe(m.body.delivered);
      const s = await client.get<{ samples: SampleView[] }>(
        `${base()}/errors/${e.body.errors[0]!.errorType}/samples?period=7d`,
      );
      expect(s.status).toBe(200);
      expect(s.body.samples.length).toBeGreaterThan(0);
      const o = await client.get<OverviewView>(`/api/workspaces/${ws}/delivery/overview`);
      expect(o.status).toBe(200);
      expect(o.body.destinations.map((d) => d.name)).toEqual(["Hook"]);
    }
  });

  it("follows a custom range", async () => {
    const to = new Date(Date.now() - DAY).toISOString();
    const from = new Date(Date.now() - DAY - 3 * HOUR).toISOString();
    const m = await reader.get<KeyMetricsView>(`${base()}/metrics?from=${from}&to=${to}`);
    expect(m.status).toBe(200);
    expect(m.body.window.period).toBe("custom");
    expect(m.body.delivered).toBe(outcomes(m.body.window).delivered ?? 0);
  });

  it("hides the dashboards from other workspaces (404) and from anonymous callers (401)", async () => {
    for (const path of ["metrics", "errors", "trends", "errors/server_error/samples"]) {
      expect((await outsider.get(`${base()}/${path}`)).status).toBe(404);
      expect((await anon.get(`${base()}/${path}`)).status).toBe(401);
      expect(
        (await owner.get(`/api/workspaces/${ws}/destinations/${foreignDest}/delivery/${path}`)).status,
      ).toBe(404);
    }
    expect((await outsider.get(`/api/workspaces/${ws}/delivery/overview`)).status).toBe(404);
    expect((await anon.get(`/api/workspaces/${ws}/delivery/overview`)).status).toBe(401);
    expect((await owner.get(`${base()}/errors/No-Such-Type!/samples`)).status).toBe(404);
  });

  it("rejects bad periods with 400 and the reason", async () => {
    const now = Date.now();
    const iso = (t: number) => new Date(t).toISOString();
    const cases: [string, RegExp][] = [
      ["period=2h", /period must be one of 1h, 24h, 7d, 30d/],
      [`from=${iso(now)}&to=${iso(now - HOUR)}`, /^The start must be before the end$/],
      [`from=${iso(now - 91 * DAY)}&to=${iso(now)}`, /at most 90 days/],
      [`from=${iso(now - HOUR)}`, /needs both a start and an end/],
      [`period=1h&from=${iso(now - HOUR)}&to=${iso(now)}`, /either a preset period or a custom range/],
      ["from=yesterday&to=today", /ISO 8601/],
    ];
    for (const [qs, message] of cases) {
      const r = await reader.get<ErrorReply>(`${base()}/metrics?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
  });

  it("lets owners and source admins retry, not read-only members", async () => {
    const window = { from: new Date(Date.now() - 2 * DAY).toISOString(), to: new Date().toISOString() };
    const retries = `/api/workspaces/${ws}/destinations/${dest}/retries`;
    expect((await reader.post(retries, window)).status).toBe(403);
    expect((await outsider.post(retries, window)).status).toBe(404);
    expect((await anon.post(retries, window)).status).toBe(401);
    // The history was written without archived messages, so the retry finds them expired.
    const done = await admin.post<{ queued: number; expired: number }>(retries, window);
    expect(done.status).toBe(200);
    expect(done.body.queued + done.body.expired).toBeGreaterThan(0);
  });
});
