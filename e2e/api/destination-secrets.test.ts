import { beforeAll, describe, expect, it } from "vitest";
import { addMember, type Client, clientFor, createUser, createWorkspace, prisma } from "@/e2e/api/support";
import { SECRET_MASK } from "@/lib/catalog";
import { loadDestinationSettings } from "@/lib/destinations/service";

// Secrets stay with the address they were entered for: changing where a destination's requests go
// (URL, base URL, region) needs every stored secret typed again or removed, whoever edits it. And
// credentials inside a URL (userinfo, ?token=) are secrets: sealed, masked for every role, markers
// in the audit log.

type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
type One = { destination: { id: string; settings: Record<string, unknown> }; warnings: unknown[] };

const OWNER_HEADER = "Bearer owner-S3CRET-hdr";
const OWNER_SIGNING = "whsec-owner-S3CRET";
const AMP_KEY = "amp-owner-S3CRET-key";
const URL_PASSWORD = "pa55w0rd-S3CRET";
const URL_TOKEN = "t0k3n-S3CRET";

let ws: string;
let workspaceId: string;
let owner: Client;
let admin: Client;
let devAdmin: Client;
let reader: Client;
let devSource: string;
let devAdminId: string;
const api = (path = "") => `/api/workspaces/${ws}/destinations${path}`;

beforeAll(async () => {
  const [o, a, d, r] = await Promise.all(["owner", "admin", "devadmin", "reader"].map((l) => createUser(l)));
  const workspace = await createWorkspace(o!.id);
  ws = workspace.slug;
  workspaceId = workspace.id;
  devAdminId = d!.id;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  await addMember(workspace.id, r!.id, "read_only");
  [owner, admin, devAdmin, reader] = [o!, a!, d!, r!].map((u) => clientFor(u));
  const source = await owner.post<{ source: { id: string } }>(`/api/workspaces/${ws}/sources`, {
    name: "Site",
    type: "node",
    environment: "dev",
  });
  devSource = source.body.source.id;
});

async function auditOf(id: string) {
  return (await prisma()).auditEvent.findMany({
    where: { workspaceId, targetId: id },
    orderBy: { createdAt: "asc" },
  });
}

describe("changing where a destination sends requests", () => {
  let hook: string;
  beforeAll(async () => {
    const res = await owner.post<One>(api(), {
      type: "webhook",
      name: "Owner hook",
      sourceIds: [devSource],
      settings: {
        url: "https://hooks.example.com/in",
        headers: [{ key: "Authorization", value: OWNER_HEADER }],
        signingSecret: OWNER_SIGNING,
      },
    });
    expect(res.status).toBe(201);
    hook = res.body.destination.id;
  });

  it("refuses a new URL that would carry the stored secrets along, and audits the attempt", async () => {
    for (const body of [
      { settings: { url: "https://attacker.example/collect" } },
      // The whole masked view posted back with only the URL changed, as a form would.
      {
        settings: {
          url: "https://attacker.example/collect",
          headers: [{ key: "Authorization", value: SECRET_MASK }],
          signingSecret: SECRET_MASK,
        },
      },
    ]) {
      const res = await devAdmin.patch<ErrorReply>(api(`/${hook}`), body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "Changing Webhook URL sends this destination's requests somewhere else: re-enter Headers and Signing secret in the same save, or remove them. Stored secrets are only sent where they were entered for.",
      );
      expect(res.body.error.fields?.map((f) => f.path)).toEqual([
        "settings.headers",
        "settings.signingSecret",
      ]);
    }
    expect(await loadDestinationSettings(hook)).toMatchObject({
      url: "https://hooks.example.com/in",
      headers: [{ key: "Authorization", value: OWNER_HEADER }],
    });
    const refused = (await auditOf(hook)).filter((e) => e.action === "destination.update_refused");
    expect(refused).toHaveLength(2);
    expect(refused[0]?.actorId).toBe(devAdminId);
    expect(JSON.parse(refused[0]!.summary)).toEqual({
      before: { "settings.url": "https://hooks.example.com/in" },
      after: {
        "settings.url": "https://attacker.example/collect",
        reason: "secrets not re-entered: headers, signingSecret",
      },
    });
  });

  it("accepts a new URL with every secret typed again or removed, and audits which", async () => {
    const partial = await devAdmin.patch<ErrorReply>(api(`/${hook}`), {
      settings: {
        url: "https://new.example/in",
        headers: [{ key: "Authorization", value: "Bearer dev-own" }],
      },
    });
    expect(partial.status).toBe(400);
    expect(partial.body.error.fields?.map((f) => f.path)).toEqual(["settings.signingSecret"]);
    const res = await devAdmin.patch<One>(api(`/${hook}`), {
      settings: {
        url: "https://new.example/in",
        headers: [{ key: "Authorization", value: "Bearer dev-own" }],
        signingSecret: "",
      },
    });
    expect(res.status).toBe(200);
    const stored = await loadDestinationSettings(hook);
    expect(stored).toMatchObject({ url: "https://new.example/in", headers: [{ value: "Bearer dev-own" }] });
    expect(stored).not.toHaveProperty("signingSecret");
    const updated = (await auditOf(hook)).filter((e) => e.action === "destination.updated").at(-1);
    expect(JSON.parse(updated!.summary).after).toMatchObject({
      "settings.url": "https://new.example/in",
      "settings.headers": "(changed)",
      "settings.signingSecret": "(removed)",
    });
    // Settings that do not move the destination still keep secrets without re-entry.
    const batch = await devAdmin.patch(api(`/${hook}`), {
      settings: {
        url: "https://new.example/in",
        batchSize: 5,
        headers: [{ key: "Authorization", value: SECRET_MASK }],
      },
    });
    expect(batch.status).toBe(200);
    expect((await loadDestinationSettings(hook)).headers).toEqual([
      { key: "Authorization", value: "Bearer dev-own" },
    ]);
  });

  it("treats a partner's base URL and region as routing, for unscoped admins too", async () => {
    const amp = await owner.post<One>(api(), {
      type: "amplitude",
      name: "Amplitude",
      sourceIds: [devSource],
      settings: { apiKey: AMP_KEY, region: "us" },
    });
    const id = amp.body.destination.id;
    for (const settings of [{ baseUrl: "https://proxy.attacker.example" }, { region: "eu" }]) {
      const res = await admin.patch<ErrorReply>(api(`/${id}`), { settings });
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([
        {
          path: "settings.apiKey",
          message: expect.stringMatching(/^Re-enter or remove: the (API base URL|Data center) changed/),
        },
      ]);
    }
    const ok = await admin.patch<One>(api(`/${id}`), { settings: { region: "eu", apiKey: "amp-new-key" } });
    expect(ok.status).toBe(200);
    expect(await loadDestinationSettings(id)).toMatchObject({ region: "eu", apiKey: "amp-new-key" });
  });
});

describe("credentials inside a URL", () => {
  const secretUrl = `https://hook:${URL_PASSWORD}@hooks.example.com/in?token=${URL_TOKEN}&team=7`;
  const masked = `https://${SECRET_MASK}:${SECRET_MASK}@hooks.example.com/in?token=${SECRET_MASK}&team=7`;
  let id: string;

  it("seals them and masks them for every role", async () => {
    const created = await owner.post<One>(api(), {
      type: "webhook",
      name: "Userinfo hook",
      sourceIds: [devSource],
      settings: { url: secretUrl },
    });
    expect(created.status).toBe(201);
    expect(created.body.destination.settings.url).toBe(masked);
    id = created.body.destination.id;
    for (const client of [owner, admin, devAdmin, reader]) {
      const res = await client.get<One>(api(`/${id}`));
      expect(res.status).toBe(200);
      expect(res.body.destination.settings.url).toBe(masked);
      expect(JSON.stringify(res.body)).not.toMatch(/pa55w0rd|t0k3n/);
    }
    const row = await (await prisma()).destination.findUniqueOrThrow({
      where: { id },
      omit: { secretsCipher: false },
    });
    expect(row.settings).not.toMatch(/pa55w0rd|t0k3n/);
    expect(row.secretsCipher).not.toMatch(/pa55w0rd|t0k3n/);
    expect((await loadDestinationSettings(id)).url).toBe(secretUrl);
  });

  it("keeps them when the masked URL is posted back, and asks for them when it is edited", async () => {
    const view = (await owner.get<One>(api(`/${id}`))).body.destination.settings;
    const same = await owner.patch<One>(api(`/${id}`), { settings: { ...view, batchSize: 20 } });
    expect(same.status).toBe(200);
    expect((await loadDestinationSettings(id)).url).toBe(secretUrl);
    const edited = await owner.patch<ErrorReply>(api(`/${id}`), {
      settings: { url: masked.replace("/in", "/v2") },
    });
    expect(edited.status).toBe(400);
    expect(edited.body.error.fields?.[0]).toMatchObject({
      path: "settings.url",
      message: expect.stringMatching(/^Re-enter the credentials in this URL/),
    });
  });

  it("records markers, never the credentials, in the audit log", async () => {
    const events = await auditOf(id);
    const text = events.map((e) => e.summary).join("\n");
    expect(text).not.toMatch(/pa55w0rd|t0k3n/);
    expect(JSON.parse(events[0]!.summary).after).toMatchObject({
      "settings.url": masked,
      "settings.url.credentials": "(set)",
    });
    const all = (await (await prisma()).auditEvent.findMany({ where: { workspaceId } })).map(
      (e) => e.summary,
    );
    for (const secret of [OWNER_HEADER, OWNER_SIGNING, AMP_KEY, URL_PASSWORD, URL_TOKEN])
      expect(all.join("\n")).not.toContain(secret);
  });
});
