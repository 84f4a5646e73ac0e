import { beforeAll, describe, expect, it } from "vitest";
import { addMember, type Client, clientFor, createUser, createWorkspace, prisma } from "@/e2e/api/support";

// Workspaces (list, create, settings) and the audit log: every role, and "can another workspace see this?".

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}
interface AuditPage {
  events: {
    id: string;
    at: string;
    action: string;
    actor: { email: string };
    before: unknown;
    after: unknown;
  }[];
  nextCursor: string | null;
}

let ws: { id: string; slug: string };
let other: { id: string; slug: string };
let owner: Client;
let admin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let ownerEmail: string;

beforeAll(async () => {
  const [o, a, r, x] = await Promise.all(["owner", "admin", "reader", "outsider"].map((l) => createUser(l)));
  ws = await createWorkspace(o!.id, "Acme");
  other = await createWorkspace(x!.id, "Other");
  await addMember(ws.id, a!.id, "source_admin");
  await addMember(ws.id, r!.id, "read_only", ["dev"]);
  ownerEmail = o!.email;
  [owner, admin, reader, outsider, anon] = [o!, a!, r!, x!, null].map((u) => clientFor(u));
});

describe("workspaces API", () => {
  it("lists only the signed-in user's workspaces; 401 when signed out", async () => {
    expect((await anon.get("/api/workspaces")).status).toBe(401);
    const res = await reader.get<{ workspaces: { slug: string }[] }>("/api/workspaces");
    expect(res.status).toBe(200);
    expect(res.body.workspaces.map((w) => w.slug)).toEqual([ws.slug]);
  });

  it("creates a workspace whose creator is its owner", async () => {
    expect((await anon.post("/api/workspaces", { name: "Nope" })).status).toBe(401);
    const bad = await reader.post<ErrorBody>("/api/workspaces", { name: "  " });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path)).toEqual(["name"]);
    expect((await reader.post("/api/workspaces", { name: "X", role: "owner" })).status).toBe(400);
    const res = await reader.post<{ workspace: { slug: string; name: string } }>("/api/workspaces", {
      name: "Reader Lab",
    });
    expect(res.status).toBe(201);
    expect(res.body.workspace.slug).toMatch(/^reader-lab/);
    const mine = await reader.get<{ workspace: { role: string } }>(
      `/api/workspaces/${res.body.workspace.slug}`,
    );
    expect(mine.body.workspace.role).toBe("owner");
    // The same user cannot have two of that name (issue 22: picked by name in the switcher) ...
    const twice = await reader.post<ErrorBody>("/api/workspaces", { name: "reader lab" });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe(
      'A workspace named "Reader Lab" already exists among your workspaces',
    );
    // ... but someone else can, and gets its own slug.
    const again = await owner.post<{ workspace: { slug: string } }>("/api/workspaces", {
      name: "Reader Lab",
    });
    expect(again.status).toBe(201);
    expect(again.body.workspace.slug).not.toBe(res.body.workspace.slug);
    const created = await (await prisma()).auditEvent.findFirst({
      where: { workspace: { slug: res.body.workspace.slug }, action: "workspace.created" },
    });
    expect(created).not.toBeNull();
  });

  it("shows name, slug and the viewer's role to every member, 404 to others", async () => {
    expect((await anon.get(`/api/workspaces/${ws.slug}`)).status).toBe(401);
    expect((await outsider.get(`/api/workspaces/${ws.slug}`)).status).toBe(404);
    expect((await owner.get("/api/workspaces/no-such-workspace")).status).toBe(404);
    const res = await reader.get<{
      workspace: { name: string; slug: string; role: string; labels: string[] };
    }>(`/api/workspaces/${ws.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.workspace).toMatchObject({
      name: "Acme",
      slug: ws.slug,
      role: "read_only",
      labels: ["dev"],
    });
  });
});

describe("workspace settings (PATCH)", () => {
  it("is for owners only: 401, 404 across workspaces, 403 for other roles", async () => {
    expect((await anon.patch(`/api/workspaces/${ws.slug}`, { name: "x" })).status).toBe(401);
    expect((await outsider.patch(`/api/workspaces/${ws.slug}`, { name: "x" })).status).toBe(404);
    expect((await owner.patch(`/api/workspaces/${other.slug}`, { name: "x" })).status).toBe(404);
    expect((await admin.patch(`/api/workspaces/${ws.slug}`, { name: "x" })).status).toBe(403);
    expect((await reader.patch(`/api/workspaces/${ws.slug}`, { name: "x" })).status).toBe(403);
  });

  it("rejects bad names and slugs with field paths, reserved slugs and duplicates", async () => {
    const bad = await owner.patch<ErrorBody>(`/api/workspaces/${ws.slug}`, { name: "", slug: "Has Spaces!" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path).sort()).toEqual(["name", "slug"]);
    for (const slug of ["api", "invite", "welcome", "settings"]) {
      const reserved = await owner.patch<ErrorBody>(`/api/workspaces/${ws.slug}`, { slug });
      expect(reserved.status).toBe(400);
      expect(reserved.body.error.fields?.[0]).toMatchObject({
        path: "slug",
        message: "This slug is reserved",
      });
    }
    expect((await owner.patch(`/api/workspaces/${ws.slug}`, { id: "x" })).status).toBe(400);
    const dup = await owner.patch<ErrorBody>(`/api/workspaces/${ws.slug}`, { slug: other.slug });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields?.[0]?.path).toBe("slug");
  });

  it("renames and moves the workspace; the old slug stops resolving; audited with before/after", async () => {
    const oldSlug = ws.slug;
    const newSlug = `${oldSlug}-renamed`;
    const res = await owner.patch<{ workspace: { name: string; slug: string } }>(
      `/api/workspaces/${oldSlug}`,
      {
        name: "Acme Inc",
        slug: newSlug.toUpperCase(),
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.workspace).toMatchObject({ name: "Acme Inc", slug: newSlug });
    expect((await owner.get(`/api/workspaces/${oldSlug}`)).status).toBe(404);
    expect((await reader.get(`/api/workspaces/${newSlug}`)).status).toBe(200);
    ws = { ...ws, slug: newSlug };
    const event = await (await prisma()).auditEvent.findFirst({
      where: { workspaceId: ws.id, action: "workspace.updated" },
    });
    expect(JSON.parse(event!.summary)).toEqual({
      before: { name: "Acme", slug: oldSlug },
      after: { name: "Acme Inc", slug: newSlug },
    });
    expect(event!.actorEmail).toBe(ownerEmail);
  });
});

describe("audit log API", () => {
  beforeAll(async () => {
    const db = await prisma();
    const base = Date.now() - 60_000;
    // 130 events in a known order (some sharing a timestamp, which the cursor must handle).
    await db.auditEvent.createMany({
      data: Array.from({ length: 130 }, (_, i) => ({
        workspaceId: ws.id,
        actorEmail: "bulk@test.local",
        action: i % 2 ? "source.updated" : "destination.updated",
        targetType: "source",
        targetName: `n${i}`,
        summary: JSON.stringify({ before: { i }, after: { i: i + 1 } }),
        createdAt: new Date(base + Math.floor(i / 3) * 10),
      })),
    });
    await db.auditEvent.create({
      data: {
        workspaceId: other.id,
        actorEmail: "x@test.local",
        action: "source.secret",
        targetType: "source",
      },
    });
  });

  it("is owner-only: 401, 404 across workspaces, 403 for other roles", async () => {
    expect((await anon.get(`/api/workspaces/${ws.slug}/audit`)).status).toBe(401);
    expect((await outsider.get(`/api/workspaces/${ws.slug}/audit`)).status).toBe(404);
    expect((await admin.get(`/api/workspaces/${ws.slug}/audit`)).status).toBe(403);
    expect((await reader.get(`/api/workspaces/${ws.slug}/audit`)).status).toBe(403);
  });

  it("pages newest first with a cursor, each event once, and never shows another workspace's events", async () => {
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const res = await owner.get<AuditPage>(`/api/workspaces/${ws.slug}/audit?limit=40${q}`);
      expect(res.status).toBe(200);
      expect(res.body.events.length).toBeLessThanOrEqual(40);
      seen.push(...res.body.events.map((e) => e.id));
      times.push(...res.body.events.map((e) => Date.parse(e.at)));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    const total = await (await prisma()).auditEvent.count({ where: { workspaceId: ws.id } });
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(pages).toBe(Math.ceil(total / 40));
  });

  it("filters by action prefix and shows before/after", async () => {
    const res = await owner.get<AuditPage>(`/api/workspaces/${ws.slug}/audit?action=source.&limit=100`);
    expect(res.body.events.length).toBe(65);
    expect(res.body.events.every((e) => e.action.startsWith("source."))).toBe(true);
    expect(res.body.events[0]).toMatchObject({
      actor: { email: "bulk@test.local" },
      before: { i: 129 },
      after: { i: 130 },
    });
    const ws2 = await owner.get<AuditPage>(`/api/workspaces/${ws.slug}/audit?action=workspace.`);
    expect(ws2.body.events.map((e) => e.action)).toEqual(["workspace.updated"]);
  });

  it("rejects a limit over 100 and a forged cursor with 400", async () => {
    const big = await owner.get<ErrorBody>(`/api/workspaces/${ws.slug}/audit?limit=101`);
    expect(big.status).toBe(400);
    expect(big.body.error.fields?.[0]?.path).toBe("limit");
    const forged = await owner.get<ErrorBody>(`/api/workspaces/${ws.slug}/audit?cursor=garbage`);
    expect(forged.status).toBe(400);
    expect(forged.body.error.fields?.[0]?.path).toBe("cursor");
  });
});

describe("console pages", () => {
  it("shows members to every member, settings and audit to owners only, and nothing to other workspaces", async () => {
    for (const page of ["members", "settings", "audit"]) {
      expect((await owner.get(`/${ws.slug}/${page}`)).status).toBe(200);
      expect((await outsider.get(`/${ws.slug}/${page}`)).status).toBe(404);
    }
    expect((await reader.get(`/${ws.slug}/members`)).status).toBe(200);
    // A member whose role cannot open a page gets the console's 403 page naming the roles that can
    // (the page's data stays out of it; the API answers 403).
    const settings = await reader.get<string>(`/${ws.slug}/settings`);
    expect(settings.body).toContain('id="forbidden-title"');
    expect(settings.body).toContain("Workspace Owners");
    expect(settings.body).not.toContain("Slug");
    const audit = await admin.get<string>(`/${ws.slug}/audit`);
    expect(audit.body).toContain('id="forbidden-title"');
  });

  it("sends signed-out visitors of /welcome to sign in, and greets signed-in ones", async () => {
    const res = await anon.get("/welcome");
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    expect(res.headers.get("location")).toContain("/login");
    const page = await owner.get<string>("/welcome");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Create another workspace");
  });
});
