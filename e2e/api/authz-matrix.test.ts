import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openStream } from "@/e2e/api/sse";
import {
  addMember,
  baseUrl,
  type Client,
  clientFor,
  createUser,
  createWorkspace,
  prisma,
  sessionCookie,
} from "@/e2e/api/support";
import { randomToken, sha256 } from "@/lib/crypto/secrets";

// The authorization matrix, generated from the file system: every route file under app/api ×
// every HTTP method it exports × six identities, against the EXPECT table below. A route file or
// method without a row fails the test, and so does a row whose route is gone.
//
// Adding a route: add one row `"METHOD /api/path/[param]": { expect: PRESET, ... }`. Pick a preset
// (or write the six statuses), say where params come from (fixtures `f`, or a fresh object per
// identity for routes that destroy what they act on), and give a body that would pass validation
// where it matters. "ok" means the request got past authorization: any status below 500 other
// than 401, 403, 404, 405 and 415 (a 400/409/422 from the handler's own checks is fine).

type Who = "anon" | "outsider" | "reader" | "devAdmin" | "admin" | "owner";
const IDENTITIES: Who[] = ["anon", "outsider", "reader", "devAdmin", "admin", "owner"];
type Outcome = "ok" | 401 | 403 | 404;
type Expectation = Record<Who, Outcome>;

/** Every member may (read actions). */
const MEMBERS: Expectation = {
  anon: 401,
  outsider: 404,
  reader: "ok",
  devAdmin: "ok",
  admin: "ok",
  owner: "ok",
};
/** Source Admins and owners; the dev-scoped admin is refused on the fixtures, which are all prod. */
const ADMINS_PROD: Expectation = {
  anon: 401,
  outsider: 404,
  reader: 403,
  devAdmin: 403,
  admin: "ok",
  owner: "ok",
};
/** Source Admins (any label) and owners: the action has no label. */
const ADMINS: Expectation = {
  anon: 401,
  outsider: 404,
  reader: 403,
  devAdmin: "ok",
  admin: "ok",
  owner: "ok",
};
const OWNERS: Expectation = { anon: 401, outsider: 404, reader: 403, devAdmin: 403, admin: 403, owner: "ok" };
/** Any signed-in person (not tied to the workspace in the path). */
const SIGNED_IN: Expectation = {
  anon: 401,
  outsider: "ok",
  reader: "ok",
  devAdmin: "ok",
  admin: "ok",
  owner: "ok",
};
const PUBLIC: Expectation = {
  anon: "ok",
  outsider: "ok",
  reader: "ok",
  devAdmin: "ok",
  admin: "ok",
  owner: "ok",
};

interface Fixtures {
  ws: string;
  workspaceId: string;
  owner: Client;
  sourceId: string;
  destinationId: string;
  filterId: string;
  functionId: string;
  insertInstanceId: string;
  sourceFunctionId: string;
  sourceInstanceId: string;
  warehouseId: string;
  readerMemberId: string;
  ownerUserId: string;
  /** The archive seq of an event the fixture source received. */
  eventSeq: string;
}

type Params = Record<string, string>;
interface Row {
  expect: Expectation;
  /** Path parameters; called once per identity, so destructive routes get a fresh object each time. */
  params?: (f: Fixtures) => Params | Promise<Params>;
  body?: (f: Fixtures) => unknown;
  /** Server-Sent Events: also checked with a membership removed while the stream is open. */
  stream?: boolean;
  /** The call ends the caller's sessions: run it as a fresh person with the same role. */
  freshIdentity?: boolean;
}

const unique = () => Math.random().toString(36).slice(2, 10);

const EXPECT: Record<string, Row> = {
  // Account and workspaces of the signed-in person
  "GET /api/workspaces": { expect: SIGNED_IN },
  "POST /api/workspaces": { expect: SIGNED_IN, body: () => ({ name: `Matrix ${unique()}` }) },
  "DELETE /api/account/sessions": { expect: SIGNED_IN, freshIdentity: true },
  // next-auth's own endpoints (session, csrf, sign-in, sign-out): public by nature
  "GET /api/auth/[...nextauth]": { expect: PUBLIC, params: () => ({ "...nextauth": "session" }) },
  "POST /api/auth/[...nextauth]": {
    expect: PUBLIC,
    params: () => ({ "...nextauth": "signout" }),
    body: () => ({}),
  },
  // Sign-up and invitation links (bearer links: holding one is the permission)
  "POST /api/signup": {
    expect: PUBLIC,
    body: () => ({
      name: "M",
      email: `m-${unique()}@test.local`,
      password: "long enough password",
      workspaceName: "M",
    }),
  },
  "GET /api/invitations/[token]": { expect: PUBLIC, params: (f) => invitationToken(f) },
  // Accepting joins the workspace: done by a fresh person each time, so the outsider stays outside.
  "POST /api/invitations/[token]": {
    expect: SIGNED_IN,
    params: (f) => invitationToken(f),
    freshIdentity: true,
  },
  "POST /api/invitations/[token]/signup": {
    expect: PUBLIC,
    params: (f) => invitationToken(f),
    body: () => ({ name: "M", email: `inv-${unique()}@test.local`, password: "long enough password" }),
  },

  // Workspace
  "GET /api/workspaces/[workspace]": { expect: MEMBERS },
  "PATCH /api/workspaces/[workspace]": { expect: OWNERS, body: () => ({ name: `Renamed ${unique()}` }) },
  "GET /api/workspaces/[workspace]/audit": { expect: OWNERS },
  "GET /api/workspaces/[workspace]/delivery/overview": { expect: MEMBERS },
  "GET /api/workspaces/[workspace]/connections": { expect: MEMBERS },

  // Members and invitations
  "GET /api/workspaces/[workspace]/members": { expect: MEMBERS },
  "PATCH /api/workspaces/[workspace]/members/[memberId]": {
    expect: OWNERS,
    params: (f) => ({ memberId: f.readerMemberId }),
    body: () => ({ role: "read_only" }),
  },
  "DELETE /api/workspaces/[workspace]/members/[memberId]": {
    expect: OWNERS,
    params: async (f) => ({
      memberId: (await addMember(f.workspaceId, (await createUser("gone")).id, "read_only")).id,
    }),
  },
  "GET /api/workspaces/[workspace]/invitations": { expect: OWNERS },
  "POST /api/workspaces/[workspace]/invitations": { expect: OWNERS, body: () => ({ role: "read_only" }) },
  "DELETE /api/workspaces/[workspace]/invitations/[invitationId]": {
    expect: OWNERS,
    params: async (f) => ({ invitationId: (await invitation(f)).id }),
  },

  // Sources
  "GET /api/workspaces/[workspace]/sources": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/sources": {
    expect: ADMINS_PROD,
    body: () => ({ name: `Src ${unique()}`, type: "node", environment: "prod" }),
  },
  "GET /api/workspaces/[workspace]/sources/[sourceId]": { expect: MEMBERS },
  "PATCH /api/workspaces/[workspace]/sources/[sourceId]": {
    expect: ADMINS_PROD,
    body: () => ({ enabled: true }),
  },
  "DELETE /api/workspaces/[workspace]/sources/[sourceId]": {
    expect: ADMINS_PROD,
    params: async (f) => ({ sourceId: await source(f) }),
  },
  "GET /api/workspaces/[workspace]/sources/[sourceId]/write-key": { expect: ADMINS_PROD },
  "POST /api/workspaces/[workspace]/sources/[sourceId]/write-key": {
    expect: ADMINS_PROD,
    params: async (f) => ({ sourceId: await source(f) }),
  },
  "GET /api/workspaces/[workspace]/sources/[sourceId]/debugger": { expect: MEMBERS, stream: true },

  // Destinations, filters, delivery
  "GET /api/workspaces/[workspace]/destinations": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/destinations": {
    expect: ADMINS_PROD,
    body: (f) => webhook(f.sourceId),
  },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]": { expect: MEMBERS },
  "PATCH /api/workspaces/[workspace]/destinations/[destinationId]": {
    expect: ADMINS_PROD,
    body: () => ({ enabled: true }),
  },
  "DELETE /api/workspaces/[workspace]/destinations/[destinationId]": {
    expect: ADMINS_PROD,
    params: async (f) => ({ destinationId: await destination(f) }),
  },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/delivery/metrics": { expect: MEMBERS },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/delivery/trends": { expect: MEMBERS },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/delivery/errors": { expect: MEMBERS },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/delivery/errors/[errorType]/samples": {
    expect: MEMBERS,
    params: () => ({ errorType: "timeout" }),
  },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/retries": {
    expect: ADMINS_PROD,
    body: () => ({ from: new Date(Date.now() - 3600_000).toISOString(), to: new Date().toISOString() }),
  },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/filters": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/filters": {
    expect: ADMINS_PROD,
    body: () => ({ name: `F ${unique()}`, condition: 'type = "track"', action: "drop" }),
  },
  "PUT /api/workspaces/[workspace]/destinations/[destinationId]/filters/order": {
    expect: ADMINS_PROD,
    body: (f) => ({ ids: [f.filterId] }),
  },
  "PATCH /api/workspaces/[workspace]/destinations/[destinationId]/filters/[filterId]": {
    expect: ADMINS_PROD,
    body: () => ({ enabled: true }),
  },
  "DELETE /api/workspaces/[workspace]/destinations/[destinationId]/filters/[filterId]": {
    expect: ADMINS_PROD,
    params: async (f) => ({ filterId: await filter(f) }),
  },

  // Functions
  "GET /api/workspaces/[workspace]/functions": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/functions": {
    expect: ADMINS,
    body: () => ({ kind: "insert", name: `Fn ${unique()}` }),
  },
  "GET /api/workspaces/[workspace]/functions/samples": { expect: MEMBERS },
  "GET /api/workspaces/[workspace]/functions/[functionId]": { expect: MEMBERS },
  // Editing the working copy changes nothing that runs; deploying it is what the label scope guards.
  "PATCH /api/workspaces/[workspace]/functions/[functionId]": {
    expect: ADMINS,
    body: () => ({ description: "matrix" }),
  },
  "DELETE /api/workspaces/[workspace]/functions/[functionId]": {
    expect: ADMINS,
    params: async (f) => ({ functionId: await fn(f, "insert", `Del ${unique()}`) }),
  },
  "POST /api/workspaces/[workspace]/functions/[functionId]/deploy": { expect: ADMINS_PROD },
  "POST /api/workspaces/[workspace]/functions/[functionId]/test": {
    expect: ADMINS,
    body: () => ({ event: { type: "track", event: "Matrix", userId: "u" } }),
  },
  "GET /api/workspaces/[workspace]/functions/[functionId]/runs": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/functions/[functionId]/instances": {
    expect: ADMINS_PROD,
    body: (f) => ({ destinationId: f.destinationId }),
  },
  "PATCH /api/workspaces/[workspace]/functions/[functionId]/instances/[instanceId]": {
    expect: ADMINS_PROD,
    params: (f) => ({ instanceId: f.insertInstanceId }),
    body: () => ({ settings: {} }),
  },
  "DELETE /api/workspaces/[workspace]/functions/[functionId]/instances/[instanceId]": {
    expect: ADMINS_PROD,
    params: async (f) => ({ instanceId: await insertInstance(f, await destination(f)) }),
  },
  "GET /api/workspaces/[workspace]/functions/[functionId]/instances/[instanceId]/webhook-url": {
    expect: ADMINS_PROD,
    params: (f) => ({ functionId: f.sourceFunctionId, instanceId: f.sourceInstanceId }),
  },
  "POST /api/workspaces/[workspace]/functions/[functionId]/instances/[instanceId]/webhook-url": {
    expect: ADMINS_PROD,
    params: (f) => ({ functionId: f.sourceFunctionId, instanceId: f.sourceInstanceId }),
  },

  // Warehouses (destinations of the Warehouses category)
  "POST /api/workspaces/[workspace]/destinations/test-connection": {
    expect: ADMINS,
    body: () => ({ type: "postgres", settings: warehouseSettings() }),
  },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/syncs": {
    expect: MEMBERS,
    params: (f) => ({ destinationId: f.warehouseId }),
  },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/syncs": {
    expect: ADMINS_PROD,
    params: (f) => ({ destinationId: f.warehouseId }),
  },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/warehouse": {
    expect: MEMBERS,
    params: (f) => ({ destinationId: f.warehouseId }),
  },
  "PATCH /api/workspaces/[workspace]/destinations/[destinationId]/warehouse": {
    expect: ADMINS_PROD,
    params: (f) => ({ destinationId: f.warehouseId }),
    body: () => ({}),
  },

  // Privacy (owners change settings; every member reads, samples masked)
  "GET /api/workspaces/[workspace]/privacy": { expect: MEMBERS },
  "PUT /api/workspaces/[workspace]/privacy/fields": {
    expect: OWNERS,
    body: () => ({ path: "traits.email", classification: "red" }),
  },
  "POST /api/workspaces/[workspace]/privacy/matchers": {
    expect: OWNERS,
    body: () => ({ name: `M ${unique()}`, keyPatterns: ["secret_*"], suggested: "red" }),
  },
  "PATCH /api/workspaces/[workspace]/privacy/matchers/[matcherId]": {
    expect: OWNERS,
    params: async (f) => ({ matcherId: await matcher(f) }),
    body: () => ({ enabled: false }),
  },
  "DELETE /api/workspaces/[workspace]/privacy/matchers/[matcherId]": {
    expect: OWNERS,
    params: async (f) => ({ matcherId: await matcher(f) }),
  },
  "PUT /api/workspaces/[workspace]/privacy/destinations/[destinationId]": {
    expect: OWNERS,
    body: () => ({ policy: "all" }),
  },
  "PUT /api/workspaces/[workspace]/privacy/sources/[sourceId]": {
    expect: OWNERS,
    body: () => ({ withoutConsent: "deliver" }),
  },
  "POST /api/workspaces/[workspace]/privacy/deletions": {
    expect: OWNERS,
    body: () => ({ idType: "userId", idValue: `gone-${unique()}` }),
  },
  "PUT /api/workspaces/[workspace]/privacy/suppressions": {
    expect: OWNERS,
    body: () => ({ userId: `quiet-${unique()}`, suppressed: true }),
  },

  // Delivery operations (pause, resume, discard, Replay) and each event's delivery
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/delivery/control": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/delivery/pause": { expect: ADMINS_PROD },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/delivery/resume": { expect: ADMINS_PROD },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/delivery/discard": {
    expect: ADMINS_PROD,
    body: () => ({}),
  },
  "GET /api/workspaces/[workspace]/destinations/[destinationId]/replays": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/replays": {
    expect: ADMINS_PROD,
    params: async (f) => ({ destinationId: await destination(f) }),
    body: (f) => ({
      sourceIds: [f.sourceId],
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date().toISOString(),
    }),
  },
  "POST /api/workspaces/[workspace]/destinations/[destinationId]/replays/[replayId]/cancel": {
    expect: ADMINS_PROD,
    params: async (f) => {
      const destinationId = await destination(f);
      return { destinationId, replayId: await replay(f, destinationId) };
    },
  },
  "GET /api/workspaces/[workspace]/sources/[sourceId]/events/[seq]/delivery": {
    expect: MEMBERS,
    params: (f) => ({ seq: f.eventSeq }),
  },

  // Protocols: Source Schema, schema filters, tracking plans
  "GET /api/workspaces/[workspace]/sources/[sourceId]/schema": { expect: MEMBERS },
  "PUT /api/workspaces/[workspace]/sources/[sourceId]/schema/event-filters": {
    expect: ADMINS_PROD,
    body: () => ({ kind: "track", name: "Matrix Event", enabled: true }),
  },
  "PUT /api/workspaces/[workspace]/sources/[sourceId]/schema/integration-filters": {
    expect: ADMINS_PROD,
    body: (f) => ({ kind: "track", name: "Matrix Event", destinationId: f.destinationId, enabled: false }),
  },
  "GET /api/workspaces/[workspace]/sources/[sourceId]/protocols": { expect: MEMBERS },
  "PATCH /api/workspaces/[workspace]/sources/[sourceId]/protocols": {
    expect: ADMINS_PROD,
    body: () => ({}),
  },
  "GET /api/workspaces/[workspace]/sources/[sourceId]/violations": { expect: MEMBERS },
  "GET /api/workspaces/[workspace]/tracking-plans": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/tracking-plans": {
    expect: ADMINS,
    body: () => ({ name: `Plan ${unique()}` }),
  },
  "GET /api/workspaces/[workspace]/tracking-plans/[planId]": {
    expect: MEMBERS,
    params: async (f) => ({ planId: await plan(f) }),
  },
  "PATCH /api/workspaces/[workspace]/tracking-plans/[planId]": {
    expect: ADMINS,
    params: async (f) => ({ planId: await plan(f) }),
    body: () => ({ description: "matrix" }),
  },
  "DELETE /api/workspaces/[workspace]/tracking-plans/[planId]": {
    expect: ADMINS,
    params: async (f) => ({ planId: await plan(f) }),
  },

  // Guided setup
  "GET /api/workspaces/[workspace]/setup": { expect: MEMBERS },
  "POST /api/workspaces/[workspace]/setup": { expect: OWNERS, body: () => ({}) },
  "GET /api/workspaces/[workspace]/setup/events": { expect: MEMBERS, stream: true },
  "POST /api/workspaces/[workspace]/setup/change": {
    expect: OWNERS,
    // Starting over needs a chosen use case (404 otherwise): choose one first (409 when already chosen).
    params: async (f) => {
      await f.owner.post(`/api/workspaces/${f.ws}/setup`, {
        goalId: "personalize-communications",
        useCaseSlug: "personalize-winback",
      });
      return {};
    },
  },
  "POST /api/workspaces/[workspace]/setup/complete": { expect: OWNERS, body: () => ({}) },
  "POST /api/workspaces/[workspace]/setup/copy-destination": { expect: OWNERS, body: () => ({}) },
  "POST /api/workspaces/[workspace]/setup/copy-source": { expect: OWNERS, body: () => ({}) },
  "POST /api/workspaces/[workspace]/setup/environments": { expect: OWNERS, body: () => ({}) },
  "POST /api/workspaces/[workspace]/setup/review": { expect: OWNERS, body: () => ({}) },
};

// ---- the routes on disk -------------------------------------------------------------------

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function discoverRoutes(): string[] {
  const root = path.resolve(import.meta.dirname, "..", "..", "app", "api");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
        const source = fs.readFileSync(full, "utf8");
        const route = `/api/${path.relative(root, dir).split(path.sep).join("/")}`.replace(/\/$/, "");
        for (const m of METHODS) {
          const exported = new RegExp(
            `export\\s+(const|async\\s+function|function)\\s+${m}\\b|export\\s*\\{[^}]*\\bas\\s+${m}\\b`,
          ).test(source);
          if (exported) found.push(`${m} ${route}`);
        }
      }
    }
  };
  walk(root);
  return found.sort();
}

// ---- fixtures -----------------------------------------------------------------------------

let f: Fixtures;
const clients = {} as Record<Who, Client>;
const users = {} as Record<Exclude<Who, "anon">, { id: string; email: string; name: string }>;
let otherWorkspaceId: string;

const webhook = (sourceId: string) => ({
  type: "webhook",
  name: `Hook ${unique()}`,
  sourceIds: [sourceId],
  settings: { url: "http://127.0.0.1:9/matrix" },
});

async function created<T>(p: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const res = await p;
  if (res.status >= 300) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function source(fx: Fixtures): Promise<string> {
  return (await sourceWithKey(fx)).id;
}

/** A new source and its write key (shown once, at creation). */
async function sourceWithKey(fx: Fixtures): Promise<{ id: string; writeKey: string }> {
  const body = await created(
    fx.owner.post<{ source: { id: string }; writeKey: string }>(`/api/workspaces/${fx.ws}/sources`, {
      name: `Src ${unique()}`,
      type: "node",
      environment: "prod",
    }),
    "source",
  );
  return { id: body.source.id, writeKey: body.writeKey };
}

/** Sends one event to the source and returns its archive seq (read back through the debugger's API). */
async function eventOf(fx: Fixtures, writeKey: string): Promise<string> {
  const messageId = `matrix-${unique()}`;
  const res = await fetch(`${baseUrl}/v1/track`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ userId: "u", event: "Matrix", messageId }),
  });
  if (res.status !== 200) throw new Error(`tracking API answered ${res.status}`);
  const db = await prisma();
  const row = await db.message.findFirst({
    where: { sourceId: fx.sourceId, messageId },
    select: { seq: true },
  });
  if (!row) throw new Error("the matrix event was not archived");
  return String(row.seq);
}

async function destination(fx: Fixtures): Promise<string> {
  const body = await created(
    fx.owner.post<{ destination: { id: string } }>(
      `/api/workspaces/${fx.ws}/destinations`,
      webhook(fx.sourceId),
    ),
    "destination",
  );
  return body.destination.id;
}

async function filter(fx: Fixtures): Promise<string> {
  const body = await created(
    fx.owner.post<{ filter: { id: string } }>(
      `/api/workspaces/${fx.ws}/destinations/${fx.destinationId}/filters`,
      {
        name: `F ${unique()}`,
        condition: 'type = "track"',
        action: "drop",
      },
    ),
    "filter",
  );
  return body.filter.id;
}

async function fn(fx: Fixtures, kind: "insert" | "source", name: string, deploy = false): Promise<string> {
  const body = await created(
    fx.owner.post<{ function: { id: string } }>(`/api/workspaces/${fx.ws}/functions`, { kind, name }),
    "function",
  );
  if (deploy)
    await created(fx.owner.post(`/api/workspaces/${fx.ws}/functions/${body.function.id}/deploy`), "deploy");
  return body.function.id;
}

async function insertInstance(fx: Fixtures, destinationId: string): Promise<string> {
  const body = await created(
    fx.owner.post<{ instance: { instanceId: string } }>(
      `/api/workspaces/${fx.ws}/functions/${fx.functionId}/instances`,
      { destinationId },
    ),
    "insert instance",
  );
  return body.instance.instanceId;
}

/** A warehouse's settings: a real server, but a database nobody creates (nothing is ever loaded). */
const warehouseSettings = () => ({
  host: "127.0.0.1",
  port: 5432,
  database: "sy_matrix_never_created",
  username: "postgres",
  sslMode: "disable",
  syncIntervalMinutes: 60,
});

async function matcher(fx: Fixtures): Promise<string> {
  const body = await created(
    fx.owner.post<{ matcher: { id: string } }>(`/api/workspaces/${fx.ws}/privacy/matchers`, {
      name: `M ${unique()}`,
      keyPatterns: ["secret_*"],
      suggested: "red",
    }),
    "privacy matcher",
  );
  return body.matcher.id;
}

async function replay(fx: Fixtures, destinationId: string): Promise<string> {
  const body = await created(
    fx.owner.post<{ id: string }>(`/api/workspaces/${fx.ws}/destinations/${destinationId}/replays`, {
      sourceIds: [fx.sourceId],
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date().toISOString(),
    }),
    "replay",
  );
  return body.id;
}

async function plan(fx: Fixtures): Promise<string> {
  const body = await created(
    fx.owner.post<{ plan: { id: string } }>(`/api/workspaces/${fx.ws}/tracking-plans`, {
      name: `Plan ${unique()}`,
    }),
    "tracking plan",
  );
  return body.plan.id;
}

async function invitation(fx: Fixtures) {
  const token = randomToken(32);
  const row = await (await prisma()).invitation.create({
    data: {
      workspaceId: fx.workspaceId,
      tokenHash: sha256(token),
      role: "read_only",
      expiresAt: new Date(Date.now() + 3600_000),
      createdById: fx.ownerUserId,
    },
  });
  return { id: row.id, token };
}

async function invitationToken(fx: Fixtures): Promise<Params> {
  return { token: (await invitation(fx)).token };
}

beforeAll(async () => {
  const [o, a, d, r, x] = await Promise.all(
    ["m-owner", "m-admin", "m-devadmin", "m-reader", "m-outsider"].map((l) => createUser(l)),
  );
  const workspace = await createWorkspace(o!.id, "Matrix");
  otherWorkspaceId = (await createWorkspace(x!.id, "Elsewhere")).id;
  await addMember(workspace.id, a!.id, "source_admin");
  await addMember(workspace.id, d!.id, "source_admin", ["dev"]);
  const readerMember = await addMember(workspace.id, r!.id, "read_only");
  Object.assign(users, { owner: o!, admin: a!, devAdmin: d!, reader: r!, outsider: x! });
  for (const who of IDENTITIES) clients[who] = clientFor(who === "anon" ? null : users[who]);
  const partial = {
    ws: workspace.slug,
    workspaceId: workspace.id,
    owner: clients.owner,
    readerMemberId: readerMember.id,
    ownerUserId: o!.id,
  } as Fixtures;
  const src = await sourceWithKey(partial);
  partial.sourceId = src.id;
  partial.eventSeq = await eventOf(partial, src.writeKey);
  partial.destinationId = await destination(partial);
  partial.filterId = await filter(partial);
  partial.functionId = await fn(partial, "insert", "Matrix insert", true);
  partial.insertInstanceId = await insertInstance(partial, partial.destinationId);
  partial.sourceFunctionId = await fn(partial, "source", "Matrix source", true);
  const inst = await created(
    partial.owner.post<{ instance: { instanceId: string } }>(
      `/api/workspaces/${partial.ws}/functions/${partial.sourceFunctionId}/instances`,
      { name: `Matrix inbound ${unique()}`, environment: "prod" },
    ),
    "source instance",
  );
  partial.sourceInstanceId = inst.instance.instanceId;
  const warehouse = await created(
    partial.owner.post<{ destination: { id: string } }>(`/api/workspaces/${partial.ws}/destinations`, {
      type: "postgres",
      name: `Matrix warehouse ${unique()}`,
      sourceIds: [partial.sourceId],
      settings: { ...warehouseSettings(), password: "not-used" },
    }),
    "warehouse",
  );
  partial.warehouseId = warehouse.destination.id;
  f = partial;
}, 120_000);

// ---- the test -----------------------------------------------------------------------------

function fillPath(route: string, params: Params): string {
  return route.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for [${name}] in ${route}`);
    return encodeURIComponent(value);
  });
}

function defaultParams(): Params {
  return {
    workspace: f.ws,
    sourceId: f.sourceId,
    destinationId: f.destinationId,
    filterId: f.filterId,
    functionId: f.functionId,
    instanceId: f.insertInstanceId,
  };
}

/** A person with the same standing as `who`, for calls that end the caller's sessions. */
async function freshClient(who: Who): Promise<Client> {
  if (who === "anon") return clientFor(null);
  const user = await createUser(`fresh-${who}`);
  const role = {
    owner: "owner",
    admin: "source_admin",
    devAdmin: "source_admin",
    reader: "read_only",
  } as const;
  if (who === "outsider") await addMember(otherWorkspaceId, user.id, "owner");
  else await addMember(f.workspaceId, user.id, role[who], who === "devAdmin" ? ["dev"] : undefined);
  return clientFor(user);
}

async function call(who: Who, key: string, row: Row): Promise<number> {
  const [method, route] = key.split(" ") as [string, string];
  const params = { ...defaultParams(), ...(await row.params?.(f)) };
  const url = fillPath(route, params);
  if (row.stream && method === "GET") {
    // Read the status, then hang up: the stream itself is checked below.
    const controller = new AbortController();
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (who !== "anon") headers.cookie = await sessionCookie(users[who]);
    const res = await fetch(`${baseUrl}${url}`, { headers, signal: controller.signal });
    controller.abort();
    return res.status;
  }
  const client = row.freshIdentity ? await freshClient(who) : clients[who];
  const body = row.body?.(f);
  const res =
    method === "GET"
      ? await client.get(url)
      : method === "DELETE"
        ? await client.delete(url)
        : await client[method.toLowerCase() as "post" | "put" | "patch"](url, body ?? {});
  return res.status;
}

function matches(outcome: Outcome, status: number): boolean {
  if (outcome !== "ok") return status === outcome;
  return status < 500 && ![401, 403, 404, 405, 415].includes(status);
}

describe("authorization matrix", () => {
  const routes = discoverRoutes();

  it("has a row for every route file and method under app/api, and no row for a route that is gone", () => {
    const missing = routes.filter((r) => !(r in EXPECT));
    const stale = Object.keys(EXPECT).filter((r) => !routes.includes(r));
    expect(missing, "add a row to EXPECT in e2e/api/authz-matrix.test.ts for").toEqual([]);
    expect(stale, "remove these rows (no such route file/method)").toEqual([]);
    expect(routes.length).toBeGreaterThan(60);
  });

  for (const key of routes) {
    const row = EXPECT[key];
    if (!row) continue;
    it(key, async () => {
      const got: Partial<Record<Who, number>> = {};
      for (const who of IDENTITIES) got[who] = await call(who, key, row);
      const wrong = IDENTITIES.filter((who) => !matches(row.expect[who], got[who]!));
      expect(
        wrong.map((who) => `${who}: expected ${row.expect[who]}, got ${got[who]}`),
        key,
      ).toEqual([]);
    });
  }

  for (const key of routes.filter((r) => EXPECT[r]?.stream)) {
    it(`${key}: closes a member's open stream when the membership is removed`, async () => {
      const user = await createUser("m-stream");
      const member = await addMember(f.workspaceId, user.id, "read_only");
      const url = fillPath(key.split(" ")[1]!, defaultParams());
      const stream = await openStream(user, url);
      expect(stream.status).toBe(200);
      await (await prisma()).membership.delete({ where: { id: member.id } });
      const closed = await Promise.race([
        stream.ended.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 8000)),
      ]);
      expect(closed, "stream still open 8 s after removal").toBe(true);
      const again = await fetch(`${baseUrl}${url}`, { headers: { cookie: await sessionCookie(user) } });
      expect(again.status).toBe(404);
    });
  }
});
