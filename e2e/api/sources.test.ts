import { beforeAll, describe, expect, it } from "vitest";
import { addMember, type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";

// Every source route under every role, label scoping, and the cross-workspace 404.

interface SourceBody {
  source: {
    id: string;
    name: string;
    environment: string;
    enabled: boolean;
    writeKeyHint: string;
    canEdit: boolean;
  };
  writeKey?: string;
}

let ws: string;
let other: string;
let owner: Client;
let admin: Client;
let devAdmin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let prodSourceId: string;
let devSourceId: string;
let otherSourceId: string;

beforeAll(async () => {
  const [o, a, d, r, x] = await Promise.all(
    ["owner", "admin", "devadmin", "reader", "outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id);
  const otherWorkspace = await createWorkspace(x!.id);
  ws = workspace.slug;
  other = otherWorkspace.slug;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, devAdmin, reader, outsider, anon] = [o!, a!, d!, r!, x!, null].map((u) => clientFor(u));
  const prod = await owner.post<SourceBody>(`/api/workspaces/${ws}/sources`, {
    name: "Backend",
    type: "node",
    environment: "prod",
  });
  const dev = await owner.post<SourceBody>(`/api/workspaces/${ws}/sources`, {
    name: "Site",
    type: "website",
    environment: "dev",
  });
  const foreign = await outsider.post<SourceBody>(`/api/workspaces/${other}/sources`, {
    name: "Theirs",
    type: "node",
    environment: "prod",
  });
  prodSourceId = prod.body.source.id;
  devSourceId = dev.body.source.id;
  otherSourceId = foreign.body.source.id;
});

describe("sources API", () => {
  it("creates a source and returns its write key once to the creator", async () => {
    const res = await admin.post<SourceBody>(`/api/workspaces/${ws}/sources`, {
      name: "iOS app",
      type: "ios",
      environment: "staging",
    });
    expect(res.status).toBe(201);
    expect(res.body.writeKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(res.body.source.writeKeyHint).toContain("••••");
    expect(res.body.source.environment).toBe("staging");
  });

  it("answers 401 without a session", async () => {
    expect((await anon.get(`/api/workspaces/${ws}/sources`)).status).toBe(401);
    expect((await anon.post(`/api/workspaces/${ws}/sources`, {})).status).toBe(401);
  });

  it("answers 404 for another workspace's sources, never 403", async () => {
    expect((await outsider.get(`/api/workspaces/${ws}/sources`)).status).toBe(404);
    expect((await outsider.get(`/api/workspaces/${ws}/sources/${prodSourceId}`)).status).toBe(404);
    // A member of A asking for B's source through A's slug also gets 404.
    expect((await owner.get(`/api/workspaces/${ws}/sources/${otherSourceId}`)).status).toBe(404);
    expect((await owner.patch(`/api/workspaces/${ws}/sources/${otherSourceId}`, { name: "x" })).status).toBe(
      404,
    );
    expect((await owner.get(`/api/workspaces/${ws}/sources/${otherSourceId}/write-key`)).status).toBe(404);
    expect((await owner.delete(`/api/workspaces/${ws}/sources/${otherSourceId}`)).status).toBe(404);
  });

  it("lets a read-only member list sources but not see keys or change anything", async () => {
    const list = await reader.get<{ sources: SourceBody["source"][] }>(`/api/workspaces/${ws}/sources`);
    expect(list.status).toBe(200);
    expect(list.body.sources.length).toBeGreaterThanOrEqual(2);
    expect(list.body.sources.every((s) => !s.canEdit)).toBe(true);
    expect(JSON.stringify(list.body)).not.toMatch(/writeKeyCipher|writeKeyHash/);
    expect((await reader.get(`/api/workspaces/${ws}/sources/${prodSourceId}/write-key`)).status).toBe(403);
    expect(
      (await reader.post(`/api/workspaces/${ws}/sources`, { name: "n", type: "node", environment: "dev" }))
        .status,
    ).toBe(403);
    expect((await reader.patch(`/api/workspaces/${ws}/sources/${prodSourceId}`, { name: "n" })).status).toBe(
      403,
    );
    expect((await reader.post(`/api/workspaces/${ws}/sources/${prodSourceId}/write-key`)).status).toBe(403);
    expect((await reader.delete(`/api/workspaces/${ws}/sources/${prodSourceId}`)).status).toBe(403);
  });

  it("scopes a dev-only source admin to dev sources", async () => {
    expect((await devAdmin.get(`/api/workspaces/${ws}/sources/${devSourceId}/write-key`)).status).toBe(200);
    expect((await devAdmin.get(`/api/workspaces/${ws}/sources/${prodSourceId}/write-key`)).status).toBe(403);
    expect(
      (await devAdmin.patch(`/api/workspaces/${ws}/sources/${prodSourceId}`, { name: "Hijack" })).status,
    ).toBe(403);
    expect(
      (await devAdmin.patch(`/api/workspaces/${ws}/sources/${devSourceId}`, { environment: "prod" })).status,
    ).toBe(403);
    expect(
      (
        await devAdmin.post(`/api/workspaces/${ws}/sources`, {
          name: "P",
          type: "node",
          environment: "prod",
        })
      ).status,
    ).toBe(403);
    const ok = await devAdmin.post<SourceBody>(`/api/workspaces/${ws}/sources`, {
      name: "Dev server",
      type: "node",
      environment: "dev",
    });
    expect(ok.status).toBe(201);
  });

  it("regenerates a write key: the new one differs and reveal returns it", async () => {
    const before = await admin.get<{ writeKey: string }>(
      `/api/workspaces/${ws}/sources/${prodSourceId}/write-key`,
    );
    const regen = await admin.post<{ writeKey: string }>(
      `/api/workspaces/${ws}/sources/${prodSourceId}/write-key`,
    );
    expect(regen.status).toBe(200);
    expect(regen.body.writeKey).not.toBe(before.body.writeKey);
    const after = await owner.get<{ writeKey: string }>(
      `/api/workspaces/${ws}/sources/${prodSourceId}/write-key`,
    );
    expect(after.body.writeKey).toBe(regen.body.writeKey);
  });

  it("rejects bad input with field paths and duplicates with 409", async () => {
    const bad = await owner.post<{ error: { fields: { path: string }[] } }>(`/api/workspaces/${ws}/sources`, {
      name: "",
      type: "website",
      environment: "Not A Label!",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f) => f.path).sort()).toEqual(["environment", "name"]);
    const unknownType = await owner.post(`/api/workspaces/${ws}/sources`, {
      name: "X",
      type: "cobol",
      environment: "dev",
    });
    expect(unknownType.status).toBe(400);
    const dup = await owner.post<{ error: { fields: { path: string }[] } }>(`/api/workspaces/${ws}/sources`, {
      name: "Backend",
      type: "node",
      environment: "dev",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields[0]!.path).toBe("name");
    const badJson = await owner.raw("POST", `/api/workspaces/${ws}/sources`, "{not json");
    expect(badJson.status).toBe(400);
    const huge = await owner.raw(
      "POST",
      `/api/workspaces/${ws}/sources`,
      JSON.stringify({ name: "x".repeat(300_000) }),
    );
    expect(huge.status).toBe(413);
  });

  it("updates, disables and deletes, writing audit events", async () => {
    const created = await owner.post<SourceBody>(`/api/workspaces/${ws}/sources`, {
      name: "Temp",
      type: "python",
      environment: "dev",
    });
    const id = created.body.source.id;
    const patched = await owner.patch<SourceBody>(`/api/workspaces/${ws}/sources/${id}`, {
      name: "Temp 2",
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.source).toMatchObject({ name: "Temp 2", enabled: false });
    // Saving the same values again changes nothing, and the audit log says nothing of it.
    const again = await owner.patch<SourceBody>(`/api/workspaces/${ws}/sources/${id}`, {
      name: "Temp 2",
      enabled: false,
    });
    expect(again.status).toBe(200);
    expect((await owner.delete(`/api/workspaces/${ws}/sources/${id}`)).status).toBe(200);
    expect((await owner.get(`/api/workspaces/${ws}/sources/${id}`)).status).toBe(404);
    const { prisma } = await import("@/e2e/api/support");
    const events = await (await prisma()).auditEvent.findMany({
      where: { targetId: id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["source.created", "source.updated", "source.deleted"]);
  });
});
