import { beforeAll, describe, expect, it } from "vitest";
import { addMember, type Client, clientFor, createUser, createWorkspace, prisma } from "@/e2e/api/support";

// Destination filters: every route under every role, label scoping through the destination's
// sources, ids from other destinations and workspaces, FQL errors with their column, ordering.

interface FilterBody {
  id: string;
  name: string;
  condition: string;
  action: string;
  config: Record<string, unknown>;
  enabled: boolean;
  position: number;
}
type FieldErr = {
  path: string;
  message: string;
  position?: number;
  line?: number;
  column?: number;
  length?: number;
};
type ErrorReply = { error: { code: string; message: string; fields?: FieldErr[] } };

let ws: string;
let owner: Client;
let admin: Client;
let devAdmin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let prodDest: string;
let devDest: string;
let foreignDest: string;
let foreignFilter: string;
let devFilter: string;
const base = (dest: string) => `/api/workspaces/${ws}/destinations/${dest}/filters`;
const drop = (name: string, condition = 'type = "track"') => ({ name, condition, action: "drop" });

beforeAll(async () => {
  const [o, a, d, r, x] = await Promise.all(
    ["owner", "admin", "devadmin", "reader", "outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id);
  const other = await createWorkspace(x!.id);
  ws = workspace.slug;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, devAdmin, reader, outsider, anon] = [o!, a!, d!, r!, x!, null].map((u) => clientFor(u));
  const source = async (c: Client, slug: string, environment: string) =>
    (
      await c.post<{ source: { id: string } }>(`/api/workspaces/${slug}/sources`, {
        name: `${environment} app`,
        type: "node",
        environment,
      })
    ).body.source.id;
  const destination = async (c: Client, slug: string, name: string, sourceId: string) =>
    (
      await c.post<{ destination: { id: string } }>(`/api/workspaces/${slug}/destinations`, {
        type: "webhook",
        name,
        sourceIds: [sourceId],
        settings: { url: "https://hooks.example.com/in" },
      })
    ).body.destination.id;
  prodDest = await destination(owner, ws, "Prod hook", await source(owner, ws, "prod"));
  devDest = await destination(owner, ws, "Dev hook", await source(owner, ws, "dev"));
  foreignDest = await destination(outsider, other.slug, "Theirs", await source(outsider, other.slug, "prod"));
  foreignFilter = (
    await outsider.post<{ filter: FilterBody }>(
      `/api/workspaces/${other.slug}/destinations/${foreignDest}/filters`,
      drop("Theirs"),
    )
  ).body.filter.id;
  devFilter = (await owner.post<{ filter: FilterBody }>(base(devDest), drop("Dev drop"))).body.filter.id;
});

describe("filters API", () => {
  let ids: string[] = [];

  it("creates filters at the end of the list", async () => {
    const made = [];
    for (const body of [
      drop("Drop tests", 'contains(event, "Test")'),
      { name: "Sample pages", condition: 'type = "page"', action: "sample", config: { percent: 10 } },
      { name: "No email", condition: "true", action: "drop_fields", config: { fields: ["traits.email"] } },
    ]) {
      const res = await admin.post<{ filter: FilterBody }>(base(prodDest), body);
      expect(res.status).toBe(201);
      made.push(res.body.filter);
    }
    expect(made.map((f) => f.position)).toEqual([0, 1, 2]);
    expect(made[1]).toMatchObject({ action: "sample", config: { percent: 10 }, enabled: true });
    ids = made.map((f) => f.id);
    const list = await reader.get<{ filters: FilterBody[] }>(base(prodDest));
    expect(list.status).toBe(200);
    expect(list.body.filters.map((f) => f.id)).toEqual(ids);
    const dests = await owner.get<{ destinations: { id: string; filterCount: number }[] }>(
      `/api/workspaces/${ws}/destinations`,
    );
    expect(dests.body.destinations.find((d) => d.id === prodDest)?.filterCount).toBe(3);
  });

  it("answers 401 without a session on every route", async () => {
    for (const res of [
      await anon.get(base(prodDest)),
      await anon.post(base(prodDest), drop("x")),
      await anon.patch(`${base(prodDest)}/${ids[0]}`, { enabled: false }),
      await anon.delete(`${base(prodDest)}/${ids[0]}`),
      await anon.put(`${base(prodDest)}/order`, { ids }),
    ])
      expect(res.status).toBe(401);
  });

  it("answers 404 to outsiders and for other workspaces' or destinations' ids", async () => {
    for (const res of [
      await outsider.get(base(prodDest)),
      await outsider.post(base(prodDest), drop("x")),
      await outsider.patch(`${base(prodDest)}/${ids[0]}`, { enabled: false }),
      await outsider.delete(`${base(prodDest)}/${ids[0]}`),
      await outsider.put(`${base(prodDest)}/order`, { ids }),
      // Another workspace's destination and filter through this workspace's slug.
      await owner.get(base(foreignDest)),
      await owner.post(base(foreignDest), drop("x")),
      await owner.put(`${base(foreignDest)}/order`, { ids: [foreignFilter] }),
      await owner.patch(`${base(foreignDest)}/${foreignFilter}`, { enabled: false }),
      await owner.patch(`${base(prodDest)}/${foreignFilter}`, { enabled: false }),
      await owner.delete(`${base(prodDest)}/${foreignFilter}`),
      // A filter of another destination of the same workspace.
      await owner.patch(`${base(prodDest)}/${devFilter}`, { enabled: false }),
      await owner.delete(`${base(prodDest)}/${devFilter}`),
    ])
      expect(res.status).toBe(404);
    const theirs = await (await prisma()).filter.findUniqueOrThrow({ where: { id: foreignFilter } });
    expect(theirs.enabled).toBe(true);
  });

  it("lets a read-only member list but not change filters", async () => {
    expect((await reader.get(base(prodDest))).status).toBe(200);
    expect((await reader.post(base(prodDest), drop("x"))).status).toBe(403);
    expect((await reader.patch(`${base(prodDest)}/${ids[0]}`, { enabled: false })).status).toBe(403);
    expect((await reader.delete(`${base(prodDest)}/${ids[0]}`)).status).toBe(403);
    expect((await reader.put(`${base(prodDest)}/order`, { ids })).status).toBe(403);
  });

  it("scopes a dev-only source admin to destinations fed by dev sources", async () => {
    expect((await devAdmin.get(base(prodDest))).status).toBe(200);
    expect((await devAdmin.post(base(prodDest), drop("x"))).status).toBe(403);
    expect((await devAdmin.patch(`${base(prodDest)}/${ids[0]}`, { enabled: false })).status).toBe(403);
    expect((await devAdmin.delete(`${base(prodDest)}/${ids[0]}`)).status).toBe(403);
    expect((await devAdmin.put(`${base(prodDest)}/order`, { ids })).status).toBe(403);
    const mine = await devAdmin.post<{ filter: FilterBody }>(base(devDest), drop("Dev only"));
    expect(mine.status).toBe(201);
    expect((await devAdmin.patch(`${base(devDest)}/${devFilter}`, { enabled: false })).status).toBe(200);
    expect((await devAdmin.delete(`${base(devDest)}/${mine.body.filter.id}`)).status).toBe(200);
  });

  it("reports a condition syntax error with its column and position", async () => {
    const res = await owner.post<ErrorReply>(base(prodDest), drop("Broken", 'type = "track" and event ='));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("column 27");
    expect(res.body.error.fields).toEqual([
      {
        path: "condition",
        message: 'Expected a value after "=" at column 27',
        position: 26,
        line: 1,
        column: 27,
        length: 0,
      },
    ]);
    const patch = await owner.patch<ErrorReply>(`${base(prodDest)}/${ids[0]}`, { condition: "x == 1" });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields?.[0]).toMatchObject({ path: "condition", column: 3 });
    expect(patch.body.error.fields?.[0]?.message).toContain("column 3");
  });

  it("validates configs, also against the stored action", async () => {
    const noPercent = await owner.post<ErrorReply>(base(prodDest), {
      ...drop("S"),
      action: "sample",
      config: {},
    });
    expect(noPercent.status).toBe(400);
    expect(noPercent.body.error.fields?.[0]?.path).toBe("config.percent");
    // Field filters act inside properties, traits and context only (issue 15, item 2).
    for (const action of ["drop_fields", "allow_fields"]) {
      const identity = await owner.post<ErrorReply>(base(prodDest), {
        ...drop("P"),
        action,
        config: { fields: ["userId"] },
      });
      expect(identity.status).toBe(400);
      expect(identity.body.error.fields?.[0]).toMatchObject({
        path: "config.fields.0",
        message: expect.stringContaining('"userId" is not a field inside properties, traits or context'),
      });
    }
    // ids[1] is a sample filter: a config alone must fit "sample".
    const alone = await owner.patch<ErrorReply>(`${base(prodDest)}/${ids[1]}`, { config: { percent: 150 } });
    expect(alone.status).toBe(400);
    expect(alone.body.error.fields?.[0]?.path).toBe("config.percent");
    // ids[0] is a drop filter: switching to sample needs a percent.
    const switched = await owner.patch<ErrorReply>(`${base(prodDest)}/${ids[0]}`, { action: "sample" });
    expect(switched.status).toBe(400);
    expect(switched.body.error.fields?.[0]?.path).toBe("config.percent");
    const ok = await owner.patch<{ filter: FilterBody }>(`${base(prodDest)}/${ids[1]}`, {
      config: { percent: 25, path: "userId" },
      name: "Sample a quarter of users",
      enabled: false,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.filter).toMatchObject({
      config: { percent: 25, path: "userId" },
      name: "Sample a quarter of users",
      enabled: false,
    });
    const both = await owner.patch<{ filter: FilterBody }>(`${base(prodDest)}/${ids[1]}`, {
      action: "allow_fields",
      config: { fields: ["properties.total"] },
    });
    expect(both.body.filter).toMatchObject({
      action: "allow_fields",
      config: { fields: ["properties.total"] },
    });
  });

  it("reorders only with every filter id exactly once", async () => {
    const url = `${base(prodDest)}/order`;
    for (const bad of [
      { ids: ids.slice(0, 2) },
      { ids: [...ids, devFilter] },
      { ids: [ids[0], ids[1], devFilter] },
      { ids: [ids[0], ids[0], ids[1]] },
      { ids: "nope" },
    ]) {
      const res = await owner.put<ErrorReply>(url, bad);
      expect(res.status).toBe(400);
      expect(res.body.error.fields?.[0]?.path).toBe("ids");
    }
    const reversed = [...ids].reverse();
    const res = await admin.put<{ filters: FilterBody[] }>(url, { ids: reversed });
    expect(res.status).toBe(200);
    expect(res.body.filters.map((f) => [f.id, f.position])).toEqual(reversed.map((id, i) => [id, i]));
    const list = await owner.get<{ filters: FilterBody[] }>(base(prodDest));
    expect(list.body.filters.map((f) => f.id)).toEqual(reversed);
  });

  it("closes the gap when a filter is deleted, and audits every change", async () => {
    const middle = (await owner.get<{ filters: FilterBody[] }>(base(prodDest))).body.filters[1]!;
    expect((await owner.delete(`${base(prodDest)}/${middle.id}`)).status).toBe(200);
    const list = await owner.get<{ filters: FilterBody[] }>(base(prodDest));
    expect(list.body.filters.map((f) => f.position)).toEqual([0, 1]);
    expect(list.body.filters.map((f) => f.id)).not.toContain(middle.id);
    const added = await owner.post<{ filter: FilterBody }>(base(prodDest), drop("Last"));
    expect(added.body.filter.position).toBe(2);
    const actions = (
      await (
        await prisma()
      ).auditEvent.findMany({
        where: { workspace: { slug: ws }, action: { startsWith: "destination.filter" } },
      })
    ).map((e) => e.action);
    for (const a of [
      "destination.filter_created",
      "destination.filter_updated",
      "destination.filter_deleted",
    ])
      expect(actions).toContain(a);
    expect(actions).toContain("destination.filters_reordered");
  });
});
