import { beforeAll, describe, expect, it } from "vitest";
import { openStream } from "@/e2e/api/sse";
import { addMember, baseUrl, clientFor, createUser, createWorkspace, sessionCookie } from "@/e2e/api/support";

// The Source Debugger's SSE stream against the real server: backlog, live, resume, filters,
// permissions, and a slow reader that must not hold up ingest.

let owner: Awaited<ReturnType<typeof createUser>>;
let reader: Awaited<ReturnType<typeof createUser>>;
let outsider: Awaited<ReturnType<typeof createUser>>;
let slug: string;
let sourceId: string;
let writeKey: string;

async function track(body: Record<string, unknown>, path = "/v1/track") {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return res.status;
}

const streamPath = (qs = "") => `/api/workspaces/${slug}/sources/${sourceId}/debugger${qs}`;

beforeAll(async () => {
  [owner, reader, outsider] = await Promise.all([
    createUser("owner"),
    createUser("reader"),
    createUser("outsider"),
  ]);
  const ws = await createWorkspace(owner.id);
  await createWorkspace(outsider.id);
  slug = ws.slug;
  await addMember(ws.id, reader.id, "read_only");
  const created = await clientFor(owner).post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${slug}/sources`,
    {
      name: "Debugged",
      type: "node",
      environment: "dev",
    },
  );
  sourceId = created.body.source.id;
  writeKey = created.body.writeKey;
});

describe("debugger stream", () => {
  it("sends the backlog, then live events, to any member; 404 for outsiders; 401 anonymous", async () => {
    expect(await track({ userId: "u1", event: "Before Connect" })).toBe(200);
    const stream = await openStream(reader, streamPath());
    expect(stream.status).toBe(200);
    await stream.until((ev) => ev.some((e) => e.event === "ready"));
    expect(stream.messages().map((m) => m.message.event)).toContain("Before Connect");
    expect(await track({ userId: "u1", event: "After Connect" })).toBe(200);
    await stream.until(() => stream.messages().some((m) => m.message.event === "After Connect"));
    await stream.close();

    const foreign = await openStream(outsider, streamPath());
    expect(foreign.status).toBe(404);
    await foreign.close();
    const anon = await fetch(`${baseUrl}${streamPath()}`);
    expect(anon.status).toBe(401);
  });

  it("resumes after Last-Event-ID with no gap and no duplicate", async () => {
    const first = await openStream(owner, streamPath());
    await first.until((ev) => ev.some((e) => e.event === "ready"));
    for (let i = 0; i < 3; i++) await track({ userId: "u2", event: `Resume ${i}` });
    await first.until(() => stream3(first.messages()));
    const lastId = first.messages().at(-1)!.id!;
    await first.close();

    for (let i = 3; i < 8; i++) await track({ userId: "u2", event: `Resume ${i}` });
    const second = await openStream(owner, streamPath(), lastId);
    await second.until((ev) => ev.some((e) => e.event === "ready"));
    const resumed = second.messages().map((m) => m.message.event);
    expect(resumed).toEqual(["Resume 3", "Resume 4", "Resume 5", "Resume 6", "Resume 7"]);
    await track({ userId: "u2", event: "Resume 8" });
    await second.until(() => second.messages().some((m) => m.message.event === "Resume 8"));
    const ids = second.messages().map((m) => Number(m.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await second.close();

    function stream3(ms: { message: { event: string } }[]) {
      return ["Resume 0", "Resume 1", "Resume 2"].every((n) => ms.some((m) => m.message.event === n));
    }
  });

  it("finds a rare event behind 600 noisy ones: the backlog is the last 500 matching events", async () => {
    await track({ userId: "rare-user", event: "Rare Event", properties: { needle: "haystack-7" } });
    const batch = Array.from({ length: 600 }, (_, i) => ({
      type: "track",
      userId: "noisy",
      event: "Noise",
      properties: { i },
    }));
    const res = await fetch(`${baseUrl}/v1/batch`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}` },
      body: JSON.stringify({ batch }),
    });
    expect(res.status).toBe(200);

    const unfiltered = await openStream(owner, streamPath());
    await unfiltered.until((ev) => ev.some((e) => e.event === "ready"));
    expect(unfiltered.messages()).toHaveLength(500);
    expect(unfiltered.messages().some((m) => m.message.event === "Rare Event")).toBe(false);
    await unfiltered.close();

    for (const qs of [
      "?event=Rare%20Event",
      "?user=rare-user",
      "?q=HAYSTACK-7",
      "?types=track&event=Rare%20Event",
    ]) {
      const s = await openStream(owner, streamPath(qs));
      await s.until((ev) => ev.some((e) => e.event === "ready"));
      expect(
        s.messages().map((m) => m.message.event),
        qs,
      ).toEqual(["Rare Event"]);
      await s.close();
    }
  });

  it("streams rejected messages with their reason, and filters them with rejected=1", async () => {
    const s = await openStream(owner, streamPath("?rejected=1"));
    await s.until((ev) => ev.some((e) => e.event === "ready"));
    expect(await track({ event: "No User" })).toBe(400);
    expect(await track({ userId: "ok", event: "Fine" })).toBe(200);
    await s.until(() => s.messages().length >= 1);
    const [rejected] = s.messages();
    expect(rejected.status).toBe("rejected");
    expect(rejected.reason).toMatch(/userId|anonymousId/);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.messages().every((m) => m.status === "rejected")).toBe(true);
    await s.close();
  });

  it("a reader that never reads does not slow ingest down", async () => {
    // Open a stream and never consume it: the server must keep accepting events at full speed.
    const stalled = await fetch(`${baseUrl}${streamPath()}`, {
      headers: { cookie: await sessionCookie(owner) },
    });
    expect(stalled.status).toBe(200);
    const started = Date.now();
    const batch = Array.from({ length: 100 }, (_, i) => ({
      type: "track",
      userId: "flood",
      event: "Flood",
      properties: { pad: "x".repeat(200), i },
    }));
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${baseUrl}/v1/batch`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}` },
        body: JSON.stringify({ batch }),
      });
      expect(res.status).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    await stalled.body?.cancel();
  });
});
