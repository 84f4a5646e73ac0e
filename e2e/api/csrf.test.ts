import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createUser, createWorkspace, prisma, sessionCookie } from "@/e2e/api/support";

// Cross-site request forgery: the console's cookie goes with every request a foreign page makes,
// so a mutation must be JSON from this origin. The attacks below are what a page on another port
// of the same host (same-site, cross-origin) or another site can send without a CORS preflight.

let cookie: string;
let ws: string;
let workspaceId: string;

beforeAll(async () => {
  const owner = await createUser("csrf-owner");
  const workspace = await createWorkspace(owner.id);
  ws = workspace.slug;
  workspaceId = workspace.id;
  cookie = await sessionCookie(owner);
});

async function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? "POST",
    headers: { cookie, ...init.headers },
    body: init.body,
    redirect: "manual",
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.json() };
}

const sourceBody = (name: string) => JSON.stringify({ name, type: "node", environment: "dev" });
const sourceCount = async () => (await prisma()).source.count({ where: { workspaceId } });
const otherPort = baseUrl.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`);

describe("mutating console routes refuse cross-site requests", () => {
  it("refuses a text/plain form post from another port of the same host (415) and creates nothing", async () => {
    const before = await sourceCount();
    const res = await send(`/api/workspaces/${ws}/sources`, {
      headers: { "content-type": "text/plain", origin: otherPort, "sec-fetch-site": "same-site" },
      body: sourceBody("forged"),
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Cross-site request refused/);
    expect(await sourceCount()).toBe(before);
  });

  it("answers 415 with JSON to a same-origin body that is not JSON", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await send(`/api/workspaces/${ws}/sources`, {
        headers: { "content-type": type, origin: baseUrl },
        body: sourceBody("plain"),
      });
      expect(res.status, type).toBe(415);
      expect(res.type).toContain("application/json");
      expect(res.body.error).toMatchObject({ code: "unsupported_media_type" });
    }
    const missing = await send(`/api/workspaces/${ws}/sources`, { headers: { origin: baseUrl } });
    expect(missing.status).toBe(415);
  });

  it("answers 403 to JSON from a foreign origin, a missing Origin or a cross-site fetch", async () => {
    const before = await sourceCount();
    const json = { "content-type": "application/json" };
    const cases: Record<string, string>[] = [
      { ...json, origin: "https://evil.example" },
      { ...json, origin: otherPort },
      { ...json, origin: "null" },
      { ...json },
      { ...json, origin: baseUrl, "sec-fetch-site": "cross-site" },
      { ...json, origin: baseUrl, "sec-fetch-site": "same-site" },
    ];
    for (const headers of cases) {
      const res = await send(`/api/workspaces/${ws}/sources`, { headers, body: sourceBody("cross") });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    expect(await sourceCount()).toBe(before);
  });

  it("also guards PATCH and DELETE, and the routes that need no session", async () => {
    const evil = { origin: "https://evil.example", "content-type": "application/json" };
    expect((await send(`/api/workspaces/${ws}`, { method: "PATCH", headers: evil, body: "{}" })).status).toBe(
      403,
    );
    expect((await send(`/api/workspaces/${ws}/sources/x`, { method: "DELETE", headers: evil })).status).toBe(
      403,
    );
    const signup = JSON.stringify({
      name: "X",
      email: "x-csrf@test.local",
      password: "long enough password",
      workspaceName: "X",
    });
    expect((await send("/api/signup", { headers: { ...evil }, body: signup })).status).toBe(403);
    expect(
      (
        await send("/api/signup", {
          headers: { origin: baseUrl, "content-type": "text/plain" },
          body: signup,
        })
      ).status,
    ).toBe(415);
    expect((await send("/api/invitations/abc/signup", { headers: evil, body: signup })).status).toBe(403);
  });

  it("accepts the console's own JSON requests", async () => {
    const res = await send(`/api/workspaces/${ws}/sources`, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        origin: baseUrl,
        "sec-fetch-site": "same-origin",
      },
      body: sourceBody("legit"),
    });
    expect(res.status).toBe(201);
  });
});
