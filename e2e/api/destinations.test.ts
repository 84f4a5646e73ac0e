import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  type Client,
  clientFor,
  createUser,
  createWorkspace,
  prisma,
  type Reply,
} from "@/e2e/api/support";
import { SECRET_MASK } from "@/lib/catalog";
import { loadDestinationSettings } from "@/lib/destinations/service";

// Every destination route under every role, label scoping, the cross-workspace 404, and the
// secret settings: sealed at rest, masked in every answer, kept when the mask is posted back.

const SECRETS = [
  "Bearer hdr-S3CRET-1",
  "whsec-S3CRET-2",
  "whsec-S3CRET-3",
  "amp-S3CRET-4",
  "Bearer hdr-S3CRET-5",
];

interface DestinationBody {
  id: string;
  name: string;
  type: string;
  typeName: string;
  category: string;
  enabled: boolean;
  sources: { id: string; name: string; environment: string }[];
  filterCount: number;
  canEdit: boolean;
  settings?: Record<string, unknown>;
}
type One = { destination: DestinationBody };
type Many = { destinations: DestinationBody[] };
type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

const replies: Reply<unknown>[] = [];
/** Records every answer so the last test can search them all for secrets. */
function recording(client: Client): Client {
  type AnyCall = (...args: unknown[]) => Promise<Reply<unknown>>;
  const wrapped = Object.entries(client).map(([name, fn]) => [
    name,
    async (...args: unknown[]) => {
      const reply = await (fn as AnyCall)(...args);
      replies.push(reply);
      return reply;
    },
  ]);
  return Object.fromEntries(wrapped) as unknown as Client;
}

let ws: string;
let owner: Client;
let admin: Client;
let devAdmin: Client;
let reader: Client;
let outsider: Client;
let anon: Client;
let prodSource: string;
let devSource: string;
let foreignSource: string;
let foreignDestination: string;
let hook: DestinationBody;
const api = (path = "") => `/api/workspaces/${ws}/destinations${path}`;

const webhook = (name: string, sourceIds: string[], extra: Record<string, unknown> = {}) => ({
  type: "webhook",
  name,
  sourceIds,
  settings: { url: "https://hooks.example.com/in", ...extra },
});

beforeAll(async () => {
  const [o, a, d, r, x] = await Promise.all(
    ["owner", "admin", "devadmin", "reader", "outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id);
  const otherWorkspace = await createWorkspace(x!.id);
  ws = workspace.slug;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, devAdmin, reader, outsider, anon] = [o!, a!, d!, r!, x!, null].map((u) =>
    recording(clientFor(u)),
  );
  const source = async (c: Client, slug: string, name: string, environment: string) =>
    (
      await c.post<{ source: { id: string } }>(`/api/workspaces/${slug}/sources`, {
        name,
        type: "node",
        environment,
      })
    ).body.source.id;
  prodSource = await source(owner, ws, "Backend", "prod");
  devSource = await source(owner, ws, "Site", "dev");
  foreignSource = await source(outsider, otherWorkspace.slug, "Theirs", "prod");
  const foreign = await outsider.post<One>(`/api/workspaces/${otherWorkspace.slug}/destinations`, {
    ...webhook("Theirs", [foreignSource]),
  });
  foreignDestination = foreign.body.destination.id;
  const created = await owner.post<One>(
    api(),
    webhook("Warehouse hook", [prodSource, devSource], {
      headers: [{ key: "Authorization", value: SECRETS[0] }],
      signingSecret: SECRETS[1],
      batching: "true",
    }),
  );
  expect(created.status).toBe(201);
  hook = created.body.destination;
});

describe("destinations API", () => {
  it("creates a destination and answers with masked settings", () => {
    expect(hook).toMatchObject({
      name: "Warehouse hook",
      type: "webhook",
      typeName: "Webhook",
      category: "Raw Data/Webhooks",
      enabled: false,
      filterCount: 0,
      canEdit: true,
    });
    expect(hook.sources.map((s) => s.environment).sort()).toEqual(["dev", "prod"]);
    expect(hook.settings).toMatchObject({
      url: "https://hooks.example.com/in",
      headers: [{ key: "Authorization", value: SECRET_MASK }],
      signingSecret: SECRET_MASK,
      batching: true,
      batchSize: 100,
    });
  });

  it("stores secrets sealed, never in plaintext", async () => {
    const row = await (await prisma()).destination.findUniqueOrThrow({
      where: { id: hook.id },
      omit: { secretsCipher: false },
    });
    expect(row.secretsCipher).toMatch(/^v1\./);
    for (const secret of SECRETS) {
      expect(row.secretsCipher).not.toContain(secret);
      expect(row.settings).not.toContain(secret);
    }
    expect(JSON.parse(row.settings).headers).toEqual([{ key: "Authorization" }]);
    expect(await loadDestinationSettings(hook.id)).toMatchObject({
      headers: [{ key: "Authorization", value: SECRETS[0] }],
      signingSecret: SECRETS[1],
    });
  });

  it("answers 401 without a session", async () => {
    for (const res of [
      await anon.get(api()),
      await anon.post(api(), webhook("x", [])),
      await anon.get(api(`/${hook.id}`)),
      await anon.patch(api(`/${hook.id}`), { enabled: true }),
      await anon.delete(api(`/${hook.id}`)),
    ])
      expect(res.status).toBe(401);
  });

  it("answers 404 to outsiders and for another workspace's destination, never 403", async () => {
    for (const res of [
      await outsider.get(api()),
      await outsider.post(api(), webhook("x", [])),
      await outsider.get(api(`/${hook.id}`)),
      await outsider.patch(api(`/${hook.id}`), { enabled: true }),
      await outsider.delete(api(`/${hook.id}`)),
      // A member of this workspace naming the other workspace's destination through this slug.
      await owner.get(api(`/${foreignDestination}`)),
      await owner.patch(api(`/${foreignDestination}`), { name: "Mine now" }),
      await owner.delete(api(`/${foreignDestination}`)),
    ])
      expect(res.status).toBe(404);
    const list = await owner.get<Many>(api());
    expect(list.body.destinations.map((d) => d.id)).not.toContain(foreignDestination);
  });

  it("refuses sources of another workspace with 404 naming the field", async () => {
    const res = await owner.post<ErrorReply>(api(), webhook("Stolen", [prodSource, foreignSource]));
    expect(res.status).toBe(404);
    expect(res.body.error.fields).toEqual([{ path: "sourceIds.1", message: "Source not found" }]);
    const patch = await owner.patch(api(`/${hook.id}`), { sourceIds: [foreignSource] });
    expect(patch.status).toBe(404);
  });

  it("lets a read-only member read (masked) but not write", async () => {
    const list = await reader.get<Many>(api());
    expect(list.status).toBe(200);
    expect(list.body.destinations.find((d) => d.id === hook.id)).toMatchObject({ canEdit: false });
    const one = await reader.get<One>(api(`/${hook.id}`));
    expect(one.status).toBe(200);
    expect(one.body.destination.settings?.signingSecret).toBe(SECRET_MASK);
    expect((await reader.post(api(), webhook("Mine", [devSource]))).status).toBe(403);
    expect((await reader.patch(api(`/${hook.id}`), { enabled: true })).status).toBe(403);
    expect((await reader.delete(api(`/${hook.id}`))).status).toBe(403);
  });

  it("lets a source admin create, change and delete", async () => {
    const created = await admin.post<One>(api(), webhook("Admin hook", [prodSource]));
    expect(created.status).toBe(201);
    const id = created.body.destination.id;
    const patched = await admin.patch<One>(api(`/${id}`), { enabled: true, name: "Admin hook 2" });
    expect(patched.status).toBe(200);
    expect(patched.body.destination).toMatchObject({ enabled: true, name: "Admin hook 2" });
    expect((await admin.delete(api(`/${id}`))).status).toBe(200);
    expect((await admin.get(api(`/${id}`))).status).toBe(404);
  });

  it("keeps a dev-scoped source admin away from destinations fed by prod", async () => {
    const seen = await devAdmin.get<One>(api(`/${hook.id}`));
    expect(seen.status).toBe(200);
    expect(seen.body.destination.canEdit).toBe(false);
    expect((await devAdmin.patch(api(`/${hook.id}`), { enabled: true })).status).toBe(403);
    expect((await devAdmin.patch(api(`/${hook.id}`), { sourceIds: [devSource] })).status).toBe(403);
    expect((await devAdmin.delete(api(`/${hook.id}`))).status).toBe(403);
    expect((await devAdmin.post(api(), webhook("Prod feed", [prodSource]))).status).toBe(403);
    const dev = await devAdmin.post<One>(api(), webhook("Dev feed", [devSource]));
    expect(dev.status).toBe(201);
    expect(dev.body.destination.canEdit).toBe(true);
    const id = dev.body.destination.id;
    // Connecting a prod source would take it out of their scope.
    expect((await devAdmin.patch(api(`/${id}`), { sourceIds: [devSource, prodSource] })).status).toBe(403);
    expect((await devAdmin.patch(api(`/${id}`), { enabled: true })).status).toBe(200);
    expect((await devAdmin.delete(api(`/${id}`))).status).toBe(200);
  });

  it("leaves a destination connected to no source to owners and unscoped admins", async () => {
    const orphan = await owner.post<One>(api(), webhook("Orphan hook", []));
    expect(orphan.status).toBe(201);
    const id = orphan.body.destination.id;
    const seen = await devAdmin.get<One>(api(`/${id}`));
    expect(seen.body.destination.canEdit).toBe(false);
    const repoint = await devAdmin.patch<ErrorReply>(api(`/${id}`), {
      settings: { url: "https://attacker.example/in" },
    });
    expect(repoint.status).toBe(403);
    expect(repoint.body.error.message).toBe(
      "Your access is limited to dev; this destination is connected to no source, so only owners and admins for every label may change it",
    );
    expect((await devAdmin.patch(api(`/${id}`), { sourceIds: [devSource] })).status).toBe(403);
    expect((await devAdmin.delete(api(`/${id}`))).status).toBe(403);
    const filter = await devAdmin.post(api(`/${id}/filters`), {
      name: "x",
      condition: 'type = "track"',
      action: "drop",
    });
    expect(filter.status).toBe(403);
    expect((await owner.get<One>(api(`/${id}`))).body.destination.settings?.url).toBe(
      "https://hooks.example.com/in",
    );
    // An unscoped admin may; a dev admin may not create or leave one behind.
    expect((await admin.patch(api(`/${id}`), { enabled: true })).status).toBe(200);
    const bare = await devAdmin.post<ErrorReply>(api(), webhook("Dev orphan", []));
    expect(bare.status).toBe(403);
    expect(bare.body.error.fields?.[0]?.path).toBe("sourceIds");
    const mine = await devAdmin.post<One>(api(), webhook("Dev only", [devSource]));
    expect(mine.status).toBe(201);
    const unplug = await devAdmin.patch<ErrorReply>(api(`/${mine.body.destination.id}`), { sourceIds: [] });
    expect(unplug.status).toBe(403);
    expect(unplug.body.error.message).toMatch(/connect at least one dev source/);
    expect((await admin.delete(api(`/${mine.body.destination.id}`))).status).toBe(200);
    expect((await owner.delete(api(`/${id}`))).status).toBe(200);
  });

  it("validates settings with field paths under settings.", async () => {
    const bad = await owner.post<ErrorReply>(api(), {
      type: "webhook",
      name: "",
      settings: { url: "ftp://nope", headers: [{ key: "Host", value: "x" }], batchSize: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.path).sort()).toEqual([
      "name",
      "settings.batchSize",
      "settings.headers.0.key",
      "settings.url",
    ]);
    const missing = await owner.post<ErrorReply>(api(), { type: "amplitude", name: "Amp", settings: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual([{ path: "settings.apiKey", message: "API key is required" }]);
    const unknown = await owner.post<ErrorReply>(api(), { type: "cobol", name: "Old" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields?.[0]?.path).toBe("type");
    const mask = await owner.post<ErrorReply>(api(), webhook("Masked", [], { signingSecret: SECRET_MASK }));
    expect(mask.status).toBe(400);
    expect(mask.body.error.fields?.[0]?.path).toBe("settings.signingSecret");
    const patch = await owner.patch<ErrorReply>(api(`/${hook.id}`), { settings: { url: "not a url" } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields?.[0]?.path).toBe("settings.url");
    const extra = await owner.patch<ErrorReply>(api(`/${hook.id}`), { type: "slack" });
    expect(extra.status).toBe(400);
  });

  it("answers 409 for a duplicate name", async () => {
    const dup = await owner.post<ErrorReply>(api(), webhook("Warehouse hook", []));
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields?.[0]?.path).toBe("name");
    const other = await owner.post<One>(api(), webhook("Second hook", []));
    const rename = await owner.patch<ErrorReply>(api(`/${other.body.destination.id}`), {
      name: "Warehouse hook",
    });
    expect(rename.status).toBe(409);
    expect(rename.body.error.fields?.[0]?.path).toBe("name");
  });

  it("keeps stored secrets when the masked view is posted back", async () => {
    const view = (await owner.get<One>(api(`/${hook.id}`))).body.destination;
    const res = await owner.patch<One>(api(`/${hook.id}`), {
      settings: { ...view.settings, batchSize: 25 },
      enabled: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.destination.settings?.batchSize).toBe(25);
    expect(await loadDestinationSettings(hook.id)).toMatchObject({
      url: "https://hooks.example.com/in",
      headers: [{ key: "Authorization", value: SECRETS[0] }],
      signingSecret: SECRETS[1],
      batchSize: 25,
    });
  });

  it("replaces, adds and clears secrets", async () => {
    const res = await owner.patch<One>(api(`/${hook.id}`), {
      settings: {
        signingSecret: SECRETS[2],
        headers: [
          { key: "Authorization", value: SECRET_MASK },
          { key: "X-Extra", value: SECRETS[4] },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.destination.settings?.headers).toEqual([
      { key: "Authorization", value: SECRET_MASK },
      { key: "X-Extra", value: SECRET_MASK },
    ]);
    expect(await loadDestinationSettings(hook.id)).toMatchObject({
      signingSecret: SECRETS[2],
      headers: [
        { key: "Authorization", value: SECRETS[0] },
        { key: "X-Extra", value: SECRETS[4] },
      ],
    });
    const cleared = await owner.patch<One>(api(`/${hook.id}`), { settings: { signingSecret: "" } });
    expect(cleared.body.destination.settings).not.toHaveProperty("signingSecret");
    expect(await loadDestinationSettings(hook.id)).not.toHaveProperty("signingSecret");
  });

  it("reconnects sources and lists the destination with its type and counts", async () => {
    const res = await admin.patch<One>(api(`/${hook.id}`), { sourceIds: [devSource] });
    expect(res.body.destination.sources).toEqual([{ id: devSource, name: "Site", environment: "dev" }]);
    expect((await devAdmin.get<One>(api(`/${hook.id}`))).body.destination.canEdit).toBe(true);
    const amp = await owner.post<One>(api(), {
      type: "amplitude",
      name: "Amplitude",
      sourceIds: [prodSource],
      settings: { apiKey: SECRETS[3], region: "eu" },
    });
    expect(amp.status).toBe(201);
    const list = await owner.get<Many>(api());
    expect(list.body.destinations.find((d) => d.name === "Amplitude")).toMatchObject({
      typeName: "Amplitude",
      category: "Analytics",
      filterCount: 0,
      sources: [{ id: prodSource, name: "Backend", environment: "prod" }],
    });
    expect(list.body.destinations.every((d) => d.settings === undefined)).toBe(true);
  });

  it("audits changes with secrets redacted", async () => {
    const events = await (await prisma()).auditEvent.findMany({
      where: { targetId: hook.id },
      orderBy: { createdAt: "asc" },
    });
    expect(events[0]?.action).toBe("destination.created");
    expect(events.filter((e) => e.action === "destination.updated").length).toBeGreaterThanOrEqual(3);
    const all = events.map((e) => e.summary).join("\n");
    expect(all).toContain("(changed)");
    expect(all).toContain("(unchanged)");
    const everything = await (await prisma()).auditEvent.findMany({});
    for (const secret of SECRETS) expect(everything.map((e) => e.summary).join("\n")).not.toContain(secret);
  });
});

afterAll(() => {
  // Every answer of this file, successes and errors alike.
  const bodies = replies.map((r) => JSON.stringify(r.body)).join("\n");
  expect(replies.length).toBeGreaterThan(40);
  for (const secret of SECRETS) expect(bodies).not.toContain(secret);
  expect(bodies).not.toContain("secretsCipher");
});
