import { createHash } from "node:crypto";
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
import { testPort } from "@/e2e/support/ports";
import { startServer } from "@/e2e/support/server";

// Invitations: owners create and revoke links; a link is accepted once, as exactly the invited role
// and labels, by a signed-in user or by a new account; used, revoked and expired links answer 410.

interface ErrorBody {
  error: { code: string; message: string; state?: string; fields?: { path: string; message: string }[] };
}
interface Invitation {
  id: string;
  email: string | null;
  role: string;
  labels: string[] | null;
  expiresAt: string;
}
interface Created {
  invitation: Invitation;
  link: string;
}

let ws: { id: string; slug: string; name: string };
let other: { id: string; slug: string };
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let otherInvitationId: string;

const url = (path = "") => `/api/workspaces/${ws.slug}/invitations${path}`;
// React separates adjacent text nodes in server HTML with empty comments.
const text = (html: string) => html.replaceAll("<!-- -->", "");
const tokenOf = (link: string) => link.split("/invite/")[1]!;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function invite(body: Record<string, unknown> = { role: "read_only" }) {
  const res = await owner.post<Created>(url(), body);
  expect(res.status).toBe(201);
  return { ...res.body, token: tokenOf(res.body.link) };
}

async function membership(workspaceId: string, userId: string) {
  return (await prisma()).membership.findFirst({ where: { workspaceId, userId } });
}

beforeAll(async () => {
  const [o, a, r, x] = await Promise.all(["owner", "admin", "reader", "outsider"].map((l) => createUser(l)));
  ws = await createWorkspace(o!.id, "Invite Co");
  other = await createWorkspace(x!.id, "Elsewhere");
  await addMember(ws.id, a!.id, "source_admin");
  await addMember(ws.id, r!.id, "read_only");
  [owner, admin, reader, outsider, anon] = [o!, a!, r!, x!, null].map((u) => clientFor(u));
  const theirs = await outsider.post<Created>(`/api/workspaces/${other.slug}/invitations`, {
    role: "read_only",
  });
  otherInvitationId = theirs.body.invitation.id;
});

describe("creating and listing invitations", () => {
  it("is for owners only: 401, 404 across workspaces, 403 for other roles", async () => {
    expect((await anon.get(url())).status).toBe(401);
    expect((await anon.post(url(), { role: "read_only" })).status).toBe(401);
    expect((await outsider.get(url())).status).toBe(404);
    expect((await outsider.post(url(), { role: "owner" })).status).toBe(404);
    for (const client of [admin, reader]) {
      expect((await client.get(url())).status).toBe(403);
      expect((await client.post(url(), { role: "owner" })).status).toBe(403);
    }
  });

  it("rejects bad input with field paths", async () => {
    const bad = await owner.post<ErrorBody>(url(), {
      email: "not-an-email",
      role: "admin",
      labels: ["BAD LABEL"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path).sort()).toEqual(["email", "labels.0", "role"]);
    const ownerScoped = await owner.post<ErrorBody>(url(), { role: "owner", labels: ["dev"] });
    expect(ownerScoped.status).toBe(400);
    expect(ownerScoped.body.error.fields?.[0]?.path).toBe("labels");
    expect((await owner.post(url(), { role: "read_only", tokenHash: "x" })).status).toBe(400);
  });

  it("answers with a one-time link and stores only the token's hash", async () => {
    const { invitation, link, token } = await invite({
      email: "New@Example.com",
      role: "source_admin",
      labels: ["dev"],
    });
    expect(link).toBe(`${baseUrl}/invite/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(invitation).toMatchObject({ email: "new@example.com", role: "source_admin", labels: ["dev"] });
    const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const row = await (await prisma()).invitation.findUniqueOrThrow({
      where: { id: invitation.id },
      omit: { tokenHash: false },
    });
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const list = await owner.get<{ invitations: Invitation[] }>(url());
    expect(list.status).toBe(200);
    expect(list.body.invitations.map((i) => i.id)).toContain(invitation.id);
    expect(list.body.invitations.map((i) => i.id)).not.toContain(otherInvitationId);
    expect(JSON.stringify(list.body)).not.toMatch(/tokenHash|link/);
    const event = await (await prisma()).auditEvent.findFirstOrThrow({ where: { targetId: invitation.id } });
    expect(event.action).toBe("invitation.created");
    expect(event.summary).not.toContain(token);
  });

  it("refuses to invite someone who is already a member (409 on email)", async () => {
    const member = await (await prisma()).user.findFirstOrThrow({
      where: { memberships: { some: { workspaceId: ws.id, role: "read_only" } } },
    });
    const dup = await owner.post<ErrorBody>(url(), { email: member.email, role: "owner" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields?.[0]?.path).toBe("email");
  });
});

describe("the invitation link", () => {
  it("describes itself to anyone; 404 for unknown tokens", async () => {
    const { token } = await invite({ role: "source_admin", labels: ["staging", "dev"] });
    const res = await anon.get<{ invitation: Record<string, unknown> }>(`/api/invitations/${token}`);
    expect(res.status).toBe(200);
    expect(res.body.invitation).toMatchObject({
      workspace: { name: "Invite Co" },
      role: "source_admin",
      labels: ["dev", "staging"],
      state: "pending",
    });
    expect(JSON.stringify(res.body)).not.toMatch(/workspaceId|tokenHash|slug/);
    const unknown = await anon.get<ErrorBody>("/api/invitations/not-a-real-token");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/not valid/);
  });

  it("needs a session to accept (401)", async () => {
    const { token } = await invite();
    expect((await anon.post(`/api/invitations/${token}`)).status).toBe(401);
  });

  it("is accepted once, with exactly the invited role and labels; reuse answers 410", async () => {
    const { token, invitation } = await invite({ role: "source_admin", labels: ["dev"] });
    const user = await createUser("joiner");
    const joiner = clientFor(user);
    expect((await joiner.get(`/api/workspaces/${ws.slug}`)).status).toBe(404);
    const res = await joiner.post<{ workspace: { slug: string }; role: string; labels: string[] }>(
      `/api/invitations/${token}`,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ workspace: { slug: ws.slug }, role: "source_admin", labels: ["dev"] });
    const m = await membership(ws.id, user.id);
    expect(m).toMatchObject({ role: "source_admin", labels: '["dev"]' });
    const me = await joiner.get<{ workspace: { role: string; labels: string[] } }>(
      `/api/workspaces/${ws.slug}`,
    );
    expect(me.body.workspace).toMatchObject({ role: "source_admin", labels: ["dev"] });
    // Used: the same link answers 410 to everyone, and the member count does not change.
    const again = await joiner.post<ErrorBody>(`/api/invitations/${token}`);
    expect(again.status).toBe(410);
    expect(again.body.error).toMatchObject({ code: "gone", state: "accepted" });
    const someoneElse = clientFor(await createUser("late"));
    expect((await someoneElse.post(`/api/invitations/${token}`)).status).toBe(410);
    expect((await anon.get<ErrorBody>(`/api/invitations/${token}`)).body.error.message).toMatch(
      /already been used/,
    );
    expect(
      (await owner.get<{ invitations: Invitation[] }>(url())).body.invitations.map((i) => i.id),
    ).not.toContain(invitation.id);
    const joined = await (await prisma()).auditEvent.findFirstOrThrow({
      where: { workspaceId: ws.id, action: "member.joined", actorId: user.id },
    });
    expect(JSON.parse(joined.summary).after).toMatchObject({
      role: "source_admin",
      labels: ["dev"],
      invitationId: invitation.id,
    });
  });

  it("answers 409 to someone who is already a member, and stays usable", async () => {
    const { token } = await invite();
    const res = await reader.post<ErrorBody>(`/api/invitations/${token}`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/already a member/);
    expect((await anon.get(`/api/invitations/${token}`)).status).toBe(200);
  });

  it("can only be accepted by the invited address when one was given", async () => {
    const invited = await createUser("invited");
    const { token } = await invite({ email: invited.email, role: "read_only" });
    const wrong = await outsider.post<ErrorBody>(`/api/invitations/${token}`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain(invited.email);
    expect((await clientFor(invited).post(`/api/invitations/${token}`)).status).toBe(201);
    expect(await membership(ws.id, invited.id)).toMatchObject({ role: "read_only", labels: null });
  });

  it("stops working once expired (410)", async () => {
    const { token, invitation } = await invite();
    await (await prisma()).invitation.update({
      where: { id: invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await anon.get<ErrorBody>(`/api/invitations/${token}`);
    expect(res.status).toBe(410);
    expect(res.body.error).toMatchObject({ state: "expired", message: expect.stringMatching(/expired/) });
    expect((await clientFor(await createUser("late")).post(`/api/invitations/${token}`)).status).toBe(410);
    expect(
      (
        await anon.post(`/api/invitations/${token}/signup`, {
          name: "L",
          email: "late@x.test",
          password: "long-enough-pw",
        })
      ).status,
    ).toBe(410);
    expect(
      (await owner.get<{ invitations: Invitation[] }>(url())).body.invitations.map((i) => i.id),
    ).not.toContain(invitation.id);
  });
});

describe("revoking", () => {
  it("is for owners of the workspace only", async () => {
    const { invitation } = await invite();
    expect((await anon.delete(url(`/${invitation.id}`))).status).toBe(401);
    expect((await outsider.delete(url(`/${invitation.id}`))).status).toBe(404);
    expect((await admin.delete(url(`/${invitation.id}`))).status).toBe(403);
    expect((await owner.delete(url(`/${otherInvitationId}`))).status).toBe(404);
    expect((await owner.delete(url("/nope"))).status).toBe(404);
  });

  it("kills the link at once (410) and is audited", async () => {
    const { invitation, token } = await invite({ role: "owner" });
    expect((await owner.delete(url(`/${invitation.id}`))).status).toBe(200);
    const res = await anon.get<ErrorBody>(`/api/invitations/${token}`);
    expect(res.status).toBe(410);
    expect(res.body.error.state).toBe("revoked");
    expect((await clientFor(await createUser("late")).post(`/api/invitations/${token}`)).status).toBe(410);
    expect((await owner.delete(url(`/${invitation.id}`))).status).toBe(409);
    const actions = await (await prisma()).auditEvent.findMany({
      where: { targetId: invitation.id },
      orderBy: { createdAt: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual(["invitation.created", "invitation.revoked"]);
  });
});

describe("accepting as a new account", () => {
  const password = "correct horse battery";

  it("validates the account fields with paths", async () => {
    const { token } = await invite();
    const bad = await anon.post<ErrorBody>(`/api/invitations/${token}/signup`, {
      name: "",
      email: "nope",
      password: "short",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path).sort()).toEqual(["email", "name", "password"]);
    expect(
      (await anon.post(`/api/invitations/unknown-token/signup`, { name: "A", email: "a@x.test", password }))
        .status,
    ).toBe(404);
  });

  it("creates the user with a hashed password and the invited membership, once", async () => {
    const { token, invitation } = await invite({ role: "read_only", labels: ["prod"] });
    const email = `new-${Date.now()}@example.test`;
    const res = await anon.post<{ workspace: { slug: string }; role: string; labels: string[] }>(
      `/api/invitations/${token}/signup`,
      {
        name: "New Person",
        email: email.toUpperCase(),
        password,
      },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ workspace: { slug: ws.slug }, role: "read_only", labels: ["prod"] });
    const db = await prisma();
    const user = await db.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain(password);
    expect(await membership(ws.id, user.id)).toMatchObject({ role: "read_only", labels: '["prod"]' });
    expect((await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedBy).toBe(
      user.id,
    );
    // The new account can use the workspace (and only it).
    const me = await clientFor(user).get<{ workspaces: { slug: string }[] }>("/api/workspaces");
    expect(me.body.workspaces.map((w) => w.slug)).toEqual([ws.slug]);
    const again = await anon.post(`/api/invitations/${token}/signup`, {
      name: "Twice",
      email: `b-${email}`,
      password,
    });
    expect(again.status).toBe(410);
    expect(await db.user.findUnique({ where: { email: `b-${email}` } })).toBeNull();
  });

  it("answers 409 for an email that already has an account, leaving the link usable", async () => {
    const { token } = await invite();
    const existing = await createUser("existing");
    const res = await anon.post<ErrorBody>(`/api/invitations/${token}/signup`, {
      name: "X",
      email: existing.email,
      password,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.fields?.[0]?.path).toBe("email");
    expect((await anon.get(`/api/invitations/${token}`)).status).toBe(200);
  });

  it("only accepts the invited address", async () => {
    const { token } = await invite({ email: "only-me@example.test", role: "read_only" });
    const res = await anon.post<ErrorBody>(`/api/invitations/${token}/signup`, {
      name: "X",
      email: "someone@example.test",
      password,
    });
    expect(res.status).toBe(403);
    expect(res.body.error.fields?.[0]?.path).toBe("email");
  });
});

describe("the invitation page", () => {
  it("shows the workspace and role, and how to accept, without a session", async () => {
    const { token } = await invite({ role: "source_admin", labels: ["dev"] });
    const page = await anon.get<string>(`/invite/${token}`);
    expect(page.status).toBe(200);
    expect(text(page.body)).toContain("Join Invite Co");
    expect(page.body).toContain("Source Admin");
    expect(page.body).toContain("Create account and join");
    expect(text(page.body)).toContain(`/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`);
    const signedIn = await outsider.get<string>(`/invite/${token}`);
    expect(signedIn.body).toContain("Join workspace");
  });

  it("explains unknown and dead links", async () => {
    expect((await anon.get<string>("/invite/nope")).body).toContain("Invitation not found");
    const { token, invitation } = await invite();
    await owner.delete(url(`/${invitation.id}`));
    const page = await anon.get<string>(`/invite/${token}`);
    expect(text(page.body)).toContain("can no longer be used");
    expect(text(page.body)).toContain("was revoked by an owner");
  });
});

describe("with public sign-up turned off", () => {
  it("still lets an invitation create an account", async () => {
    // A second server with SIGNUP_ENABLED=false and its own database, seeded directly.
    const server = await startServer({
      port: testPort(17),
      dataDir: "data/test-api-no-signup",
      fresh: true,
      env: { SIGNUP_ENABLED: "false" },
    });
    const { createPrisma } = await import("@/lib/db");
    const db = createPrisma(server.databaseUrl);
    try {
      const ownerUser = await db.user.create({ data: { email: "owner@closed.test", name: "Owner" } });
      const workspace = await db.workspace.create({
        data: {
          name: "Closed",
          slug: "closed",
          memberships: { create: { userId: ownerUser.id, role: "owner" } },
        },
      });
      const token = "closed-server-invitation-token-0123456789abcdef";
      await db.invitation.create({
        data: {
          workspaceId: workspace.id,
          tokenHash: sha256(token),
          role: "source_admin",
          labels: JSON.stringify(["dev"]),
          expiresAt: new Date(Date.now() + 3_600_000),
          createdById: ownerUser.id,
        },
      });
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: server.url },
          body: JSON.stringify(body),
        });
      const account = { name: "Invitee", email: "invitee@closed.test", password: "long enough password" };
      expect((await post("/api/signup", { ...account, workspaceName: "Mine" })).status).toBe(403);
      const res = await post(`/api/invitations/${token}/signup`, account);
      expect(res.status).toBe(201);
      const user = await db.user.findUniqueOrThrow({ where: { email: account.email } });
      const m = await db.membership.findFirstOrThrow({ where: { userId: user.id } });
      expect(m).toMatchObject({ workspaceId: workspace.id, role: "source_admin", labels: '["dev"]' });
    } finally {
      await db.$disconnect();
      await server.stop();
    }
  }, 90_000);
});
