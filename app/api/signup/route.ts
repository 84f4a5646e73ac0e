// POST /api/signup - create a user and their own workspace (off when SIGNUP_ENABLED=false)
import { readJson } from "@/lib/api/body";
import { json, withPublic } from "@/lib/api/with-workspace";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { signupInput } from "@/lib/workspaces/schema";
import { createWorkspace } from "@/lib/workspaces/service";

export const POST = withPublic(async ({ req }) => {
  if (!env().SIGNUP_ENABLED)
    throw new AppError("forbidden", "Sign-up is turned off on this server. Ask an owner for an invitation.");
  const input = await readJson(req, signupInput, 16 * 1024);
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } }))
    throw new AppError("conflict", "An account with this email already exists", [
      { path: "email", message: "An account with this email already exists" },
    ]);
  const user = await db.user.create({
    data: { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) },
  });
  const workspace = await createWorkspace(user.id, input.workspaceName);
  return json({ workspace: { slug: workspace.slug } }, 201);
});
