import { beforeAll, describe, expect, it } from "vitest";
import { addMember, clientFor, createUser, createWorkspace } from "@/e2e/api/support";

// Every console page and API answer carries the security headers (next.config.ts), and answers
// that carry a secret are never cached.

let owner: ReturnType<typeof clientFor>;
let ws: string;
let sourceId: string;

beforeAll(async () => {
  const [o, r] = await Promise.all([createUser("headers-owner"), createUser("headers-reader")]);
  const workspace = await createWorkspace(o.id);
  await addMember(workspace.id, r.id, "read_only");
  ws = workspace.slug;
  owner = clientFor(o);
  const created = await owner.post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${ws}/sources`,
    {
      name: "Site",
      type: "node",
      environment: "prod",
    },
  );
  expect(created.status).toBe(201);
  expect(created.headers.get("cache-control")).toBe("no-store");
  sourceId = created.body.source.id;
});

function expectSecurityHeaders(headers: Headers) {
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("referrer-policy")).toBe("same-origin");
}

describe("security headers", () => {
  it("are on pages, signed in or not", async () => {
    expectSecurityHeaders((await clientFor(null).get("/login")).headers);
    expectSecurityHeaders((await owner.get(`/${ws}/sources`)).headers);
  });

  it("are on API answers, including errors", async () => {
    expectSecurityHeaders((await owner.get(`/api/workspaces/${ws}/sources`)).headers);
    const denied = await clientFor(null).get(`/api/workspaces/${ws}/sources`);
    expect(denied.status).toBe(401);
    expectSecurityHeaders(denied.headers);
  });

  it("the write key is never cached (reveal and regenerate)", async () => {
    const reveal = await owner.get<{ writeKey: string }>(
      `/api/workspaces/${ws}/sources/${sourceId}/write-key`,
    );
    expect(reveal.status).toBe(200);
    expect(reveal.headers.get("cache-control")).toBe("no-store");
    const rotated = await owner.post(`/api/workspaces/${ws}/sources/${sourceId}/write-key`);
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get("cache-control")).toBe("no-store");
  });

  it("an invitation link is never cached", async () => {
    const res = await owner.post(`/api/workspaces/${ws}/invitations`, { role: "read_only" });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
