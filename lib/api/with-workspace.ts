import { NextResponse } from "next/server";
import { currentUser, type SessionUser } from "@/lib/auth/session";
import { AppError, toErrorResponse } from "@/lib/errors";
import type { Action } from "@/lib/rbac/permissions";
import { type WorkspaceAccess, workspaceAccess } from "@/lib/workspaces/access";

// The one trust boundary for the console API. Every route handler goes through withUser or
// withWorkspace: 401 without a session, 404 for a workspace the user is not a member of,
// 403 when the role lacks the action; errors become JSON, never a stack trace.

type Params = Record<string, string>;
interface RouteCtx {
  params: Promise<Params>;
}

export function json(data: unknown, init?: number | ResponseInit) {
  return NextResponse.json(data, typeof init === "number" ? { status: init } : init);
}

function errorResponse(err: unknown) {
  const { status, body } = toErrorResponse(err);
  return NextResponse.json(body, { status });
}

export function withUser(
  handler: (args: { req: Request; params: Params; user: SessionUser }) => Promise<Response>,
) {
  return async (req: Request, ctx: RouteCtx) => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("unauthorized", "Sign in to continue");
      return await handler({ req, params: await ctx.params, user });
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
