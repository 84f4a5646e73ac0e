import { NextResponse } from "next/server";
import { assertSameOriginJson } from "@/lib/api/csrf";
import { currentUser, type SessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError, toErrorResponse } from "@/lib/errors";
import type { Action } from "@/lib/rbac/permissions";
import { type WorkspaceAccess, workspaceAccess } from "@/lib/workspaces/access";

// The one trust boundary for the console API. Every route handler goes through withUser or
// withWorkspace: mutating requests must be same-origin JSON (lib/api/csrf.ts: 403 / 415), 401
// without a session, 404 for a workspace the user is not a member of, 403 when the role lacks
// the action; errors become JSON, never a stack trace.

type Params = Record<string, string>;
interface RouteCtx {
  params: Promise<Params>;
}

/**
 * A JSON answer. A promise is refused by the type: it would serialize as `{}` (reads that run off the
 * event loop on PostgreSQL answer promises; await them first).
 */
export function json<T>(data: T extends PromiseLike<unknown> ? never : T, init?: number | ResponseInit) {
  return NextResponse.json(data, typeof init === "number" ? { status: init } : init);
}

/** JSON that carries a secret (a write key, a bearer link): never stored by a browser or proxy cache. */
export function secretJson(data: unknown, status = 200) {
  return NextResponse.json(data, {
    status,
    headers: { "cache-control": "no-store", pragma: "no-cache" },
  });
}

function errorResponse(err: unknown) {
  const { status, body, headers } = toErrorResponse(err);
  return NextResponse.json(body, { status, headers });
}

export function withUser(
  handler: (args: { req: Request; params: Params; user: SessionUser }) => Promise<Response>,
) {
  return async (req: Request, ctx: RouteCtx) => {
    try {
      assertSameOriginJson(req, env().PUBLIC_URL);
      const user = await currentUser();
      if (!user) throw new AppError("unauthorized", "Sign in to continue");
      return await handler({ req, params: await ctx.params, user });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** For the few routes that need no session (sign-up, invitation links): same CSRF rules, JSON errors. */
export function withPublic(handler: (args: { req: Request; params: Params }) => Promise<Response>) {
  return async (req: Request, ctx: RouteCtx) => {
    try {
      assertSameOriginJson(req, env().PUBLIC_URL);
      return await handler({ req, params: await ctx.params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export function withWorkspace(
  permission: Action,
  handler: (args: { req: Request; params: Params; access: WorkspaceAccess }) => Promise<Response>,
) {
  return withUser(async ({ req, params, user }) => {
    const access = await workspaceAccess(user, params.workspace ?? "");
    access.require(permission);
    return handler({ req, params, access });
  });
}
