import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { inject } from "vitest";
import { TEST_AUTH_SECRET } from "@/e2e/support/server";

// Test fixtures write straight into the server's SQLite file (the real database), and requests
// carry a session cookie minted with the server's secret, exactly as next-auth would set it.

Object.assign(process.env, inject("serverEnv"));
export const baseUrl = inject("baseUrl");

export async function prisma() {
  return (await import("@/lib/db")).getDb();
}

export async function createUser(label = "user") {
  const db = await prisma();
  const id = randomUUID().slice(0, 8);
  return db.user.create({ data: { email: `${label}-${id}@test.local`, name: `${label} ${id}` } });
}

export async function createWorkspace(ownerId: string, name = "Test workspace") {
  const db = await prisma();
  const slug = `ws-${randomUUID().slice(0, 8)}`;
  return db.workspace.create({
    data: { name, slug, memberships: { create: { userId: ownerId, role: "owner" } } },
  });
}

export async function addMember(workspaceId: string, userId: string, role: string, labels?: string[]) {
  const db = await prisma();
  return db.membership.create({
    data: { workspaceId, userId, role, labels: labels ? JSON.stringify(labels) : null },
  });
}

/** The session cookie next-auth sets after `user` signs in (same secret and claims as the server). */
export async function sessionCookie(
  user: { id: string; email: string; name: string | null },
  over: { sv?: number; authAt?: number } = {},
) {
  const jwt = await encode({ token: sessionClaims(user, over), secret: TEST_AUTH_SECRET });
  return `next-auth.session-token=${jwt}`;
}

/** The claims lib/auth/options.ts puts in a fresh session token. */
export function sessionClaims(
  user: { id: string; email: string; name: string | null },
  over: { sv?: number; authAt?: number } = {},
) {
  return {
    sub: user.id,
    email: user.email,
    name: user.name,
    sv: over.sv ?? 0, // a new user's sessionVersion
    authAt: over.authAt ?? Math.floor(Date.now() / 1000),
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export type Client = ReturnType<typeof clientFor>;

/** An HTTP client signed in as `user` (or anonymous when user is null). */
export function clientFor(user: { id: string; email: string; name: string } | null) {
  const cookie = user ? sessionCookie(user) : null;
  async function request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = await cookie;
    if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
    // As the console's own pages send it: browsers add Origin to every non-GET request.
    if (method !== "GET" && method !== "HEAD") headers.origin = baseUrl;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
      redirect: "manual",
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    get: <T = Record<string, unknown>>(path: string) => request<T>("GET", path),
    post: <T = Record<string, unknown>>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
    patch: <T = Record<string, unknown>>(path: string, body?: unknown) =>
      request<T>("PATCH", path, body ?? {}),
    put: <T = Record<string, unknown>>(path: string, body?: unknown) => request<T>("PUT", path, body ?? {}),
    delete: <T = Record<string, unknown>>(path: string) => request<T>("DELETE", path),
    raw: <T = Record<string, unknown>>(method: string, path: string, raw: string) =>
      request<T>(method, path, undefined, raw),
  };
}
