import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, clientFor, createUser, createWorkspace, sessionCookie } from "@/e2e/api/support";
import { testPort } from "@/e2e/support/ports";
import { type RunningServer, startServer } from "@/e2e/support/server";

// Destination URLs are checked against the SSRF policy when they are saved, not only when a
// delivery connects. The shared API server allows private addresses (its delivery tests need
// them), so this file also starts a second server on the same database with
// ALLOW_PRIVATE_DESTINATIONS off and its delivery engine off: the product's default policy.

type ErrorReply = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
type Created = { destination: { id: string }; warnings: { path: string; message: string }[] };

let strict: RunningServer;
let ws: string;
let cookie: string;
let devCookie: string;
let permissive: ReturnType<typeof clientFor>;

/** A signed-in request to the strict server (same cookie format and secret as the shared one). */
async function call<T>(method: string, url: string, body: unknown, as = cookie) {
  const res = await fetch(`${strict.url}${url}`, {
    method,
    headers: { cookie: as, "content-type": "application/json", origin: strict.url },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const hook = (name: string, url: string) => ({ type: "webhook", name, sourceIds: [], settings: { url } });

beforeAll(async () => {
  strict = await startServer({
    port: testPort(11),
    dataDir: process.env.DATA_DIR!,
    databaseUrl: process.env.DATABASE_URL!,
    env: { ALLOW_PRIVATE_DESTINATIONS: "false", DELIVERY_IN_PROCESS: "false" },
  });
  const [owner, dev] = await Promise.all([createUser("ssrf-owner"), createUser("ssrf-dev")]);
  const workspace = await createWorkspace(owner.id);
  await addMember(workspace.id, dev.id, "source_admin", ["dev"]);
  ws = workspace.slug;
  cookie = await sessionCookie(owner);
  devCookie = await sessionCookie(dev);
  permissive = clientFor(owner);
}, 120_000);

afterAll(async () => {
  await strict?.stop();
});

const api = (p = "") => `/api/workspaces/${ws}/destinations${p}`;

describe("SSRF check when a destination is saved", () => {
  it("refuses loopback, private and the host's own addresses, by literal or by name, with the reason", async () => {
    const own = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => (a!.family === "IPv6" ? `[${a!.address.replace(/%.*$/, "")}]` : a!.address));
    const urls = [
      "http://127.0.0.1:3000/v1/track",
      "http://localhost:3000/hook",
      "http://[::ffff:0:7f00:1]/",
      "http://[64:ff9b:1::a00:1]/",
      "http://10.0.0.8/",
      "http://0.0.0.0:3000/",
      ...own.map((a) => `http://${a}:3000/`),
    ];
    for (const url of urls) {
      const res = await call<ErrorReply>("POST", api(), hook(`h ${url}`, url));
      expect(res.status, url).toBe(400);
      expect(res.body.error.fields, url).toEqual([
        {
          path: "settings.url",
          message: expect.stringMatching(/an address deliveries may not reach \(.+\)/),
        },
      ]);
    }
    const named = await call<ErrorReply>("POST", api(), hook("named", "http://localhost:8080/in"));
    expect(named.body.error.message).toBe(
      "settings.url: localhost resolves to 127.0.0.1, an address deliveries may not reach (loopback). Use a public address (on a private network the server's administrator can set ALLOW_PRIVATE_DESTINATIONS=true).",
    );
  });

  it("judges a warehouse's host and port by the same policy, on save and in Test connection", async () => {
    const warehouse = (name: string, host: string) => ({
      type: "postgres",
      name,
      sourceIds: [],
      settings: { host, port: 5432, database: "analytics", username: "switchyard" },
    });
    for (const host of ["127.0.0.1", "localhost", "10.1.2.3", "::1"]) {
      const res = await call<ErrorReply>("POST", api(), warehouse(`pg ${host}`, host));
      expect(res.status, host).toBe(400);
      expect(res.body.error.fields?.[0]?.path, host).toBe("settings.host");
      expect(res.body.error.message, host).toMatch(/ALLOW_PRIVATE_DESTINATIONS=true/);
    }
    const test = await call<{ ok: boolean; steps: { step: string; message: string }[] }>(
      "POST",
      api("/test-connection"),
      { type: "postgres", settings: warehouse("t", "127.0.0.1").settings },
    );
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(false);
    expect(test.body.steps).toEqual([
      {
        step: "address",
        ok: false,
        message: expect.stringMatching(/loopback.*ALLOW_PRIVATE_DESTINATIONS=true/),
      },
    ]);
  });

  it("checks a changed URL on update, and nothing is stored when refused", async () => {
    const made = await call<Created>("POST", api(), hook("public", "https://203.0.113.10/in"));
    expect(made.status).toBe(201);
    const id = made.body.destination.id;
    const moved = await call<ErrorReply>("PATCH", api(`/${id}`), { settings: { url: "http://[::1]:3000/" } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.fields?.[0]?.path).toBe("settings.url");
    const view = await call<{ destination: { settings: { url: string } } }>("GET", api(`/${id}`), undefined);
    expect(view.body.destination.settings.url).toBe("https://203.0.113.10/in");
  });

  it("saves a name that does not resolve, with a warning", async () => {
    const res = await call<Created>("POST", api(), hook("typo", "https://hooks.invalid/in"));
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([
      { path: "settings.url", message: expect.stringMatching(/^hooks\.invalid (does|did) not resolve/) },
    ]);
  });

  it("keeps cloud metadata blocked with ALLOW_PRIVATE_DESTINATIONS on", async () => {
    for (const url of [
      "http://169.254.169.254/latest/",
      "http://[::ffff:0:a9fe:a9fe]/",
      "http://[64:ff9b:1::a9fe:a9fe]/",
    ]) {
      const res = await permissive.post<ErrorReply>(api(), hook(`m ${url}`, url));
      expect(res.status, url).toBe(400);
      expect(res.body.error.message).toContain("(cloud metadata)");
    }
    // ...while private addresses are allowed there.
    const local = await permissive.post<Created>(api(), hook("local", "http://127.0.0.1:9/in"));
    expect(local.status).toBe(201);
  });

  it("answers roles before checking addresses", async () => {
    const res = await call<ErrorReply>("POST", api(), hook("dev", "http://127.0.0.1/"), devCookie);
    expect(res.status).toBe(403);
  });
});
