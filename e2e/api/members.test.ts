import { beforeAll, describe, expect, it } from "vitest";
import { addMember, type Client, clientFor, createUser, createWorkspace, prisma } from "@/e2e/api/support";

// Members: list, change role and label scope, remove and leave; the last-owner rule; cross-workspace 404.

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}
interface Member {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  labels: string[] | null;
  joinedAt: string;
}

let ws: { id: string; slug: string };
let other: { id: string; slug: string };
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
const ids: Record<string, string> = {}; // membership ids by label
let otherOwnerMembership: string;

const url = (path = "") => `/api/workspaces/${ws.slug}/members${path}`;

async function auditFor(targetId: string) {
  const events = await (await prisma()).auditEvent.findMany({
    where: { targetId },
    orderBy: { createdAt: "asc" },
  });
  return events.map((e) => ({ action: e.action, actorEmail: e.actorEmail, ...JSON.parse(e.summary) }));
}

beforeAll(async () => {
  const [o, a, r, x] = await Promise.all(["owner", "admin", "reader", "outsider"].map((l) => createUser(l)));
  ws = await createWorkspace(o!.id);
  other = await createWorkspace(x!.id);
  const db = await prisma();
  ids.owner = (await db.membership.findFirstOrThrow({ where: { workspaceId: ws.id, userId: o!.id } })).id;
  otherOwnerMembership = (await db.membership.findFirstOrThrow({ where: { workspaceId: other.id } })).id;
  ids.admin = (await addMember(ws.id, a!.id, "source_admin", ["dev"])).id;
  ids.reader = (await addMember(ws.id, r!.id, "read_only")).id;
  [owner, admin, reader, outsider, anon] = [o!, a!, r!, x!, null].map((u) => clientFor(u));
});

describe("members API: listing", () => {
  it("answers 401 signed out and 404 to members of other workspaces", async () => {
    expect((await anon.get(url())).status).toBe(401);
    expect((await outsider.get(url())).status).toBe(404);
    expect((await outsider.patch(url(`/${ids.reader}`), { role: "owner" })).status).toBe(404);
    expect((await outsider.delete(url(`/${ids.reader}`))).status).toBe(404);
  });

  it("lists members with name, email, role, labels and joined date to every role", async () => {
    for (const client of [owner, admin, reader]) {
      const res = await client.get<{ members: Member[] }>(url());
      expect(res.status).toBe(200);
      expect(res.body.members).toHaveLength(3);
    }
    const { body } = await reader.get<{ members: Member[] }>(url());
    const adminRow = body.members.find((m) => m.id === ids.admin)!;
    expect(adminRow).toMatchObject({
      role: "source_admin",
      labels: ["dev"],
      email: expect.stringContaining("@test.local"),
    });
    expect(adminRow.name).toMatch(/^admin /);
    expect(Date.parse(adminRow.joinedAt)).not.toBeNaN();
    expect(body.members.find((m) => m.id === ids.owner)).toMatchObject({ role: "owner", labels: null });
    expect(JSON.stringify(body)).not.toMatch(/passwordHash/);
  });
});

describe("members API: changing roles and scope", () => {
  it("is for owners only (403) and 404s for another workspace's membership", async () => {
    expect((await anon.patch(url(`/${ids.reader}`), { role: "owner" })).status).toBe(401);
    expect((await admin.patch(url(`/${ids.reader}`), { role: "source_admin" })).status).toBe(403);
    expect((await reader.patch(url(`/${ids.reader}`), { role: "owner" })).status).toBe(403);
    expect((await owner.patch(url(`/${otherOwnerMembership}`), { role: "read_only" })).status).toBe(404);
    expect((await owner.patch(url("/nope"), { role: "read_only" })).status).toBe(404);
  });

  it("rejects bad input with field paths", async () => {
    const bad = await owner.patch<ErrorBody>(url(`/${ids.reader}`), { role: "admin", labels: ["Prod!"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path).sort()).toEqual(["labels.0", "role"]);
    const ownerLabels = await owner.patch<ErrorBody>(url(`/${ids.reader}`), {
      role: "owner",
      labels: ["dev"],
    });
    expect(ownerLabels.status).toBe(400);
    expect(ownerLabels.body.error.fields?.[0]?.path).toBe("labels");
    expect((await owner.patch(url(`/${ids.reader}`), { userId: "someone" })).status).toBe(400);
  });

  it("changes role and scope, and the new scope is enforced at once", async () => {
    const res = await owner.patch<{ member: Member }>(url(`/${ids.reader}`), {
      role: "source_admin",
      labels: ["staging"],
    });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({ role: "source_admin", labels: ["staging"] });
    const sources = `/api/workspaces/${ws.slug}/sources`;
    expect((await reader.post(sources, { name: "P", type: "nodejs", environment: "prod" })).status).toBe(403);
    const me = await reader.get<{ workspace: { role: string; labels: string[] } }>(
      `/api/workspaces/${ws.slug}`,
    );
    expect(me.body.workspace).toEqual(expect.objectContaining({ role: "source_admin", labels: ["staging"] }));
    // Leaving labels out keeps the scope; an empty list lifts it.
    const kept = await owner.patch<{ member: Member }>(url(`/${ids.reader}`), { role: "read_only" });
    expect(kept.body.member).toMatchObject({ role: "read_only", labels: ["staging"] });
    const lifted = await owner.patch<{ member: Member }>(url(`/${ids.reader}`), { labels: [] });
    expect(lifted.body.member.labels).toBeNull();
    // Saving without a change is answered but not audited.
    expect((await owner.patch(url(`/${ids.reader}`), { role: "read_only", labels: null })).status).toBe(200);
    const events = await auditFor(ids.reader!);
    expect(events[0]).toMatchObject({
      action: "member.updated",
      before: { role: "read_only", labels: null },
      after: { role: "source_admin", labels: ["staging"] },
    });
    expect(events.map((e) => e.action)).toEqual(["member.updated", "member.updated", "member.updated"]);
  });

  it("never demotes the last owner (409), but allows it once there is another", async () => {
    const last = await owner.patch<ErrorBody>(url(`/${ids.owner}`), { role: "read_only" });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/at least one owner/);
    expect(last.body.error.fields?.[0]?.path).toBe("role");
    const promoted = await owner.patch<{ member: Member }>(url(`/${ids.admin}`), { role: "owner" });
    expect(promoted.body.member).toMatchObject({ role: "owner", labels: null });
    const demoteSelf = await owner.patch<{ member: Member }>(url(`/${ids.owner}`), { role: "source_admin" });
    expect(demoteSelf.status).toBe(200);
    // The former owner lost members.write with the demotion.
    expect((await owner.patch(url(`/${ids.admin}`), { role: "read_only" })).status).toBe(403);
    // The new sole owner cannot demote themselves either.
    expect((await admin.patch(url(`/${ids.admin}`), { role: "read_only" })).status).toBe(409);
    expect((await admin.patch(url(`/${ids.owner}`), { role: "owner" })).status).toBe(200);
  });
});

describe("members API: removing and leaving", () => {
  let extra: { id: string; client: Client };

  beforeAll(async () => {
    const u = await createUser("extra");
    extra = { id: (await addMember(ws.id, u.id, "read_only")).id, client: clientFor(u) };
  });

  it("lets only owners remove others", async () => {
    expect((await anon.delete(url(`/${extra.id}`))).status).toBe(401);
    expect((await reader.delete(url(`/${extra.id}`))).status).toBe(403);
    expect((await owner.delete(url(`/${otherOwnerMembership}`))).status).toBe(404);
    expect((await owner.delete(url("/nope"))).status).toBe(404);
  });

  it("removes a member, whose sessions end with their last workspace; audited", async () => {
    const res = await owner.delete(url(`/${extra.id}`));
    expect(res.status).toBe(200);
    // That was their only workspace, so their sessions ended too (lib/auth/sessions.ts).
    expect((await extra.client.get(url())).status).toBe(401);
    expect((await extra.client.get(`/api/workspaces/${ws.slug}`)).status).toBe(401);
    expect((await owner.delete(url(`/${extra.id}`))).status).toBe(404);
    const [event] = await auditFor(extra.id);
    expect(event).toMatchObject({ action: "member.removed", before: { role: "read_only", labels: null } });
  });

  it("lets any member leave, but never the last owner", async () => {
    const leave = await reader.delete<{ left: boolean }>(url(`/${ids.reader}`));
    expect(leave.status).toBe(200);
    expect(leave.body.left).toBe(true);
    expect((await reader.get(url())).status).toBe(401); // their last workspace: sessions end
    expect((await auditFor(ids.reader!)).at(-1)).toMatchObject({ action: "member.left" });
    // Two owners now (owner and admin): one can leave, the other then cannot.
    expect((await admin.delete(url(`/${ids.admin}`))).status).toBe(200);
    const last = await owner.delete<ErrorBody>(url(`/${ids.owner}`));
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/at least one owner/);
    const { members } = (await owner.get<{ members: Member[] }>(url())).body;
    expect(members.map((m) => m.role)).toEqual(["owner"]);
  });
});
