import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { decode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/e2e/api/auth-flow";
import { openStream } from "@/e2e/api/sse";
import {
  addMember,
  baseUrl,
  clientFor,
  createUser,
  createWorkspace,
  prisma,
  sessionCookie,
} from "@/e2e/api/support";
import { TEST_AUTH_SECRET } from "@/e2e/support/server";
import { hashPassword } from "@/lib/auth/password";

// How sessions end: sign out of all sessions, a new password, removal from the last workspace,
// and an absolute lifetime that refreshing the session cannot extend. A copied cookie stops
// working in each case, for API calls and for open streams.

const PASSWORD = "sessions test password";

async function userWithPassword(label: string) {
  const user = await createUser(label);
  await (await prisma()).user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
  return user;
}

async function get(path: string, cookie: string) {
  const res = await fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
  return {
    status: res.status,
    setCookie: res.headers.getSetCookie(),
    body: await res.json().catch(() => null),
  };
}

const workspaces = (cookie: string) => get("/api/workspaces", cookie);

describe("sessions end on the server's word", () => {
  let ws: { id: string; slug: string };
  let ownerId: string;

  beforeAll(async () => {
    const owner = await createUser("sessions-owner");
    ownerId = owner.id;
    ws = await createWorkspace(owner.id);
  });

  it("sign out of all sessions: a copied cookie stops working and is not re-issued", async () => {
    const user = await userWithPassword("everywhere");
    await addMember(ws.id, user.id, "read_only");
    const first = (await signInWithPassword(user.email, PASSWORD)).session!;
    const second = (await signInWithPassword(user.email, PASSWORD)).session!;
    expect((await workspaces(first)).status).toBe(200);
    const out = await fetch(`${baseUrl}/api/account/sessions`, {
      method: "DELETE",
      headers: { cookie: second, origin: baseUrl },
    });
    expect(out.status).toBe(200);
    expect((await workspaces(first)).status).toBe(401);
    expect((await workspaces(second)).status).toBe(401);
    const session = await get("/api/auth/session", first);
    expect(session.body).toEqual({});
    // The cookie is cleared, not refreshed.
    expect(session.setCookie.join(";")).toMatch(/next-auth\.session-token=;/);
    // Signing in again works.
    expect((await workspaces((await signInWithPassword(user.email, PASSWORD)).session!)).status).toBe(200);
  });

  it("a new password (npm run user:password) ends the sessions signed in with the old one", async () => {
    const user = await userWithPassword("reset");
    const cookie = (await signInWithPassword(user.email, PASSWORD)).session!;
    expect((await workspaces(cookie)).status).toBe(200);
    await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/set-password.ts", user.email], {
      env: { ...process.env, NEW_PASSWORD: "a brand new password" },
    });
    expect((await workspaces(cookie)).status).toBe(401);
    expect((await signInWithPassword(user.email, "a brand new password")).session).not.toBeNull();
  });

  it("removal from the last workspace ends the member's sessions; removal from one of two does not", async () => {
    const owner = clientFor(await (await prisma()).user.findUniqueOrThrow({ where: { id: ownerId } }));
    const user = await userWithPassword("removed");
    const other = await createWorkspace((await createUser("sessions-other")).id);
    const here = await addMember(ws.id, user.id, "source_admin");
    const there = await addMember(other.id, user.id, "read_only");
    const cookie = (await signInWithPassword(user.email, PASSWORD)).session!;
    expect((await owner.delete(`/api/workspaces/${ws.slug}/members/${here.id}`)).status).toBe(200);
    expect((await workspaces(cookie)).status).toBe(200); // still a member of `other`
    await (await prisma()).membership.delete({ where: { id: there.id } });
    // Removed through the API from their last workspace: every session ends.
    const back = await addMember(ws.id, user.id, "read_only");
    expect((await owner.delete(`/api/workspaces/${ws.slug}/members/${back.id}`)).status).toBe(200);
    expect((await workspaces(cookie)).status).toBe(401);
  });

  it("has an absolute lifetime that refreshing cannot extend", async () => {
    const user = await createUser("lifetime");
    await addMember(ws.id, user.id, "read_only");
    const week = 7 * 24 * 3600;
    const now = Math.floor(Date.now() / 1000);
    const old = await sessionCookie(user, { authAt: now - week - 60 });
    expect((await workspaces(old)).status).toBe(401);
    expect((await get("/api/auth/session", old)).body).toEqual({});

    // A refresh re-issues the cookie with a new idle expiry but the same sign-in time.
    const young = await sessionCookie(user, { authAt: now - 3600 });
    const refreshed = await get("/api/auth/session", young);
    const issued = refreshed.setCookie.find((c) => c.startsWith("next-auth.session-token="))!;
    const token = await decode({ token: issued.split(";")[0]!.split("=")[1]!, secret: TEST_AUTH_SECRET });
    expect(token?.authAt).toBe(now - 3600);
  });

  it("refuses tokens without a session version (made before revocation existed, or forged without one)", async () => {
    const user = await createUser("legacy");
    await addMember(ws.id, user.id, "read_only");
    const { encode } = await import("next-auth/jwt");
    const jwt = await encode({ token: { sub: user.id, email: user.email }, secret: TEST_AUTH_SECRET });
    expect((await workspaces(`next-auth.session-token=${jwt}`)).status).toBe(401);
  });

  it("an open debugger stream closes when its viewer signs out of all sessions", async () => {
    const user = await createUser("stream-signout");
    await addMember(ws.id, user.id, "read_only");
    const source = await (await prisma()).source.create({
      data: {
        workspaceId: ws.id,
        name: "S",
        slug: `s-${Date.now()}`,
        type: "node",
        environment: "prod",
        writeKeyHash: `h-${Date.now()}`,
        writeKeyCipher: "x",
        writeKeyHint: "x",
      },
    });
    const stream = await openStream(user, `/api/workspaces/${ws.slug}/sources/${source.id}/debugger`);
    expect(stream.status).toBe(200);
    await (await prisma()).user.update({
      where: { id: user.id },
      data: { sessionVersion: { increment: 1 } },
    });
    await expect(withTimeout(stream.ended, 8000)).resolves.toBe("ended");
  });
});

function withTimeout(p: Promise<unknown>, ms: number): Promise<"ended" | "still open"> {
  return Promise.race([
    p.then(() => "ended" as const),
    new Promise<"still open">((r) => setTimeout(() => r("still open"), ms)),
  ]);
}
