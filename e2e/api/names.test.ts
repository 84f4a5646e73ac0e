import { beforeAll, describe, expect, it } from "vitest";
import { type Client, clientFor, createUser, createWorkspace } from "@/e2e/api/support";

// One voice for names (issue 22, docs/console.md): every kind of name is refused when empty or
// over its limit with the same wording, never cut short; names are unique where users pick by name,
// case-insensitively, on create and on rename, with a 409 naming the clash.

type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

let ws: string;
let owner: Client;
let stranger: Client;
let destination: string;
const api = (path: string) => `/api/workspaces/${ws}${path}`;

/** The 409 on the name field with the message naming the clash. */
function expectClash(res: { status: number; body: unknown }, message: string) {
  expect(res.status).toBe(409);
  const body = res.body as ErrorReply;
  expect(body.error.message).toBe(message);
  expect(body.error.fields).toEqual([{ path: "name", message }]);
}

/** The 400 on the name field with the one wording. */
function expectBadName(res: { status: number; body: unknown }, message: string) {
  expect(res.status).toBe(400);
  expect((res.body as ErrorReply).error.fields).toContainEqual({ path: "name", message });
}

beforeAll(async () => {
  const [o, s] = await Promise.all([createUser("names-owner"), createUser("names-stranger")]);
  const workspace = await createWorkspace(o!.id, "Names workspace");
  await createWorkspace(s!.id, "Demo Workspace");
  ws = workspace.slug;
  owner = clientFor(o!);
  stranger = clientFor(s!);
  const source = await owner.post<{ source: { id: string } }>(api("/sources"), {
    name: "Site",
    type: "node",
    environment: "prod",
  });
  const dest = await owner.post<{ destination: { id: string } }>(api("/destinations"), {
    type: "webhook",
    name: "Hook",
    sourceIds: [source.body.source.id],
    settings: { url: "https://hooks.example.com/in" },
  });
  destination = dest.body.destination.id;
});

describe("destination filter names", () => {
  const filters = () => api(`/destinations/${destination}/filters`);
  const drop = (name: string) => ({ name, condition: 'type = "track"', action: "drop" });

  it("refuses a second filter of the same name on one destination, whatever its case", async () => {
    expect((await owner.post(filters(), drop("Drop orders"))).status).toBe(201);
    expectClash(
      await owner.post(filters(), drop("  drop ORDERS ")),
      'A filter named "Drop orders" already exists on this destination',
    );
  });

  it("refuses a rename onto another filter's name, but not onto its own", async () => {
    const second = await owner.post<{ filter: { id: string } }>(filters(), drop("Sample users"));
    const id = second.body.filter.id;
    expectClash(
      await owner.patch(`${filters()}/${id}`, { name: "DROP ORDERS" }),
      'A filter named "Drop orders" already exists on this destination',
    );
    expect((await owner.patch(`${filters()}/${id}`, { name: "sample Users" })).status).toBe(200);
  });

  it("refuses an empty or over-long name with the one wording", async () => {
    expectBadName(await owner.post(filters(), drop("  ")), "Name is required");
    expectBadName(await owner.post(filters(), drop("x".repeat(101))), "Name must be at most 100 characters");
  });
});

describe("workspace names", () => {
  it("are unique among the workspaces the user belongs to", async () => {
    const first = await owner.post<{ workspace: { slug: string } }>("/api/workspaces", {
      name: "Demo Workspace",
    });
    expect(first.status).toBe(201);
    expectClash(
      await owner.post("/api/workspaces", { name: "demo workspace" }),
      'A workspace named "Demo Workspace" already exists among your workspaces',
    );
    // Renaming this workspace onto the other one's name is the same clash.
    expectClash(
      await owner.patch(api(""), { name: "DEMO WORKSPACE" }),
      'A workspace named "Demo Workspace" already exists among your workspaces',
    );
    expect((await owner.patch(api(""), { name: "names workspace" })).status).toBe(200);
  });

  it("do not reveal other tenants' workspace names", async () => {
    // The stranger's own "Demo Workspace" clashes for them only; a new name is theirs to use.
    expect((await stranger.post("/api/workspaces", { name: "Names workspace" })).status).toBe(201);
  });

  it("are refused over 80 characters, not cut short", async () => {
    expectBadName(
      await owner.post("/api/workspaces", { name: "W".repeat(500) }),
      "Name must be at most 80 characters",
    );
    expectBadName(await owner.patch(api(""), { name: "W".repeat(81) }), "Name must be at most 80 characters");
    expectBadName(await owner.post("/api/workspaces", { name: "" }), "Name is required");
  });
});

describe("every other kind of name", () => {
  it("sources: case-insensitive on create and rename, one wording", async () => {
    expectClash(
      await owner.post(api("/sources"), { name: "SITE", type: "node", environment: "dev" }),
      'A source named "Site" already exists',
    );
    const other = await owner.post<{ source: { id: string } }>(api("/sources"), {
      name: "App",
      type: "node",
      environment: "dev",
    });
    expectClash(
      await owner.patch(api(`/sources/${other.body.source.id}`), { name: "site" }),
      'A source named "Site" already exists',
    );
    expectBadName(
      await owner.post(api("/sources"), { name: "s".repeat(101), type: "node", environment: "dev" }),
      "Name must be at most 100 characters",
    );
  });

  it("destinations", async () => {
    expectClash(
      await owner.post(api("/destinations"), {
        type: "webhook",
        name: "hook",
        settings: { url: "https://hooks.example.com/in" },
      }),
      'A destination named "Hook" already exists',
    );
    expectBadName(
      await owner.post(api("/destinations"), { type: "webhook", name: "", settings: {} }),
      "Name is required",
    );
  });

  it("functions", async () => {
    expect((await owner.post(api("/functions"), { kind: "destination", name: "Enrich" })).status).toBe(201);
    expectClash(
      await owner.post(api("/functions"), { kind: "insert", name: "ENRICH" }),
      'A function named "Enrich" already exists',
    );
    expectBadName(
      await owner.post(api("/functions"), { kind: "insert", name: "f".repeat(101) }),
      "Name must be at most 100 characters",
    );
  });

  it("tracking plans, on create and rename", async () => {
    expect((await owner.post(api("/tracking-plans"), { name: "Checkout" })).status).toBe(201);
    expectClash(
      await owner.post(api("/tracking-plans"), { name: "checkout " }),
      'A tracking plan named "Checkout" already exists',
    );
    const other = await owner.post<{ plan: { id: string } }>(api("/tracking-plans"), { name: "Signup" });
    expectClash(
      await owner.patch(api(`/tracking-plans/${other.body.plan.id}`), { name: "CHECKOUT" }),
      'A tracking plan named "Checkout" already exists',
    );
    expectBadName(
      await owner.post(api("/tracking-plans"), { name: "p".repeat(101) }),
      "Name must be at most 100 characters",
    );
  });

  it("privacy matchers", async () => {
    const matcher = (name: string) => ({ name, keyPatterns: ["*_acct"], suggested: "yellow" });
    expect((await owner.post(api("/privacy/matchers"), matcher("Account ids"))).status).toBe(201);
    expectClash(
      await owner.post(api("/privacy/matchers"), matcher("account IDS")),
      'A matcher named "Account ids" already exists',
    );
    expectBadName(await owner.post(api("/privacy/matchers"), matcher("")), "Name is required");
  });
});
