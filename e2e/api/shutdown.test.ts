import { describe, expect, it } from "vitest";
import { clientFor, createUser, createWorkspace, prisma } from "@/e2e/api/support";
import { testPort } from "@/e2e/support/ports";
import { startServer } from "@/e2e/support/server";

// SIGTERM drains (docs/scaling.md#probes-and-shutdown): requests already taken are committed
// and answered, later ones are refused (503 or no connection), and nothing answered 200 is lost.
// A second server on the shared database, so the suite's server keeps running.

describe("SIGTERM", () => {
  it("answers or refuses every request, stores every acknowledged one, and exits cleanly", async () => {
    const owner = await createUser("drain-owner");
    const workspace = await createWorkspace(owner.id);
    const made = await clientFor(owner).post<{ source: { id: string }; writeKey: string }>(
      `/api/workspaces/${workspace.slug}/sources`,
      { name: "Drained", type: "node", environment: "prod" },
    );
    expect(made.status).toBe(201);
    const server = await startServer({
      port: testPort(12),
      dataDir: process.env.DATA_DIR!,
      databaseUrl: process.env.DATABASE_URL!,
      env: { DELIVERY_IN_PROCESS: "false" },
    });
    const auth = `Basic ${Buffer.from(`${made.body.writeKey}:`).toString("base64")}`;
    const send = (i: number) =>
      fetch(`${server.url}/v1/track`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({ userId: "u", event: "Drain", messageId: `drain-${i}` }),
      }).then(
        (r) => r.status,
        () => 0, // refused: the listener is closed
      );
    expect(await send(-1)).toBe(200);
    const inFlight = Array.from({ length: 300 }, (_, i) => send(i));
    await Promise.race(inFlight); // the first answers are out; most requests are still in flight
    const exited = new Promise<number | null>((r) => server.process.once("exit", (code) => r(code)));
    server.process.kill("SIGTERM");
    const statuses = await Promise.all(inFlight);
    expect(await exited).toBe(0);

    expect(statuses.every((s) => s === 200 || s === 503 || s === 0)).toBe(true);
    const acknowledged = statuses.flatMap((s, i) => (s === 200 ? [`drain-${i}`] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = await (await prisma()).message.findMany({
      where: { sourceId: made.body.source.id },
      select: { messageId: true },
    });
    const ids = new Set(stored.map((m) => m.messageId));
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
  }, 120_000);
});
