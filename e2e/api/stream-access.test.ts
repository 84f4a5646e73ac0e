import { beforeAll, describe, expect, it } from "vitest";
import { openStream } from "@/e2e/api/sse";
import { addMember, baseUrl, clientFor, createUser, createWorkspace, prisma } from "@/e2e/api/support";

// A member removed while a live stream is open stops receiving events within seconds: the
// debugger (event properties) and the guided-setup state stream both re-check access.

let ws: { id: string; slug: string };
let owner: ReturnType<typeof clientFor>;
let sourceId: string;
let writeKey: string;

beforeAll(async () => {
  const o = await createUser("stream-owner");
  ws = await createWorkspace(o.id);
  owner = clientFor(o);
  const created = await owner.post<{ source: { id: string }; writeKey: string }>(
    `/api/workspaces/${ws.slug}/sources`,
    {
      name: "Live",
      type: "node",
      environment: "prod",
    },
  );
  sourceId = created.body.source.id;
  writeKey = created.body.writeKey;
});

const track = (event: string) =>
  fetch(`${baseUrl}/v1/track`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ userId: "u1", event, properties: { secret: "s3cret" } }),
  });

function ended(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

describe("open streams lose access with the membership", () => {
  it("the debugger stream of a removed member closes and delivers nothing after removal", async () => {
    const reader = await createUser("stream-reader");
    const m = await addMember(ws.id, reader.id, "read_only");
    const stream = await openStream(reader, `/api/workspaces/${ws.slug}/sources/${sourceId}/debugger`);
    expect(stream.status).toBe(200);
    expect((await track("Before Removal")).status).toBe(200);
    await stream.until((events) => events.some((e) => e.data.includes("Before Removal")), 8000);
    expect((await owner.delete(`/api/workspaces/${ws.slug}/members/${m.id}`)).status).toBe(200);
    expect(await ended(stream.ended, 8000)).toBe(true);
    const count = stream.events.length;
    expect((await track("After Removal")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(stream.events.length).toBe(count);
    expect(stream.events.some((e) => e.data.includes("After Removal"))).toBe(false);
    // Reconnecting gets what any request gets now: that was their only workspace, so 401.
    const again = await openStream(reader, `/api/workspaces/${ws.slug}/sources/${sourceId}/debugger`);
    expect(again.status).toBe(401);
    await again.close();
  });

  it("the guided-setup stream of a removed member closes", async () => {
    const admin = await createUser("stream-admin");
    const m = await addMember(ws.id, admin.id, "source_admin");
    const stream = await openStream(admin, `/api/workspaces/${ws.slug}/setup/events`);
    expect(stream.status).toBe(200);
    await (await prisma()).membership.delete({ where: { id: m.id } });
    expect(await ended(stream.ended, 8000)).toBe(true);
  });

  it("a stream stays open while access holds", async () => {
    const reader = await createUser("stream-stays");
    await addMember(ws.id, reader.id, "read_only");
    const stream = await openStream(reader, `/api/workspaces/${ws.slug}/sources/${sourceId}/debugger`);
    expect(await ended(stream.ended, 5000)).toBe(false);
    expect((await track("Still Here")).status).toBe(200);
    await stream.until((events) => events.some((e) => e.data.includes("Still Here")), 8000);
    await stream.close();
  });
});
