import { describe, expect, it } from "vitest";
import { baseUrl } from "@/e2e/api/support";
import { TEST_DATABASE } from "@/e2e/support/server";

// Load-balancer probes (docs/scaling.md): public, JSON, never cached.

describe("GET /healthz and /readyz", () => {
  it("says the process is up", async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("says it is ready: database reachable, every migration applied", async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, database: TEST_DATABASE });
  });

  it("ignores a query string and needs no session", async () => {
    expect((await fetch(`${baseUrl}/readyz?probe=lb`)).status).toBe(200);
  });
});
