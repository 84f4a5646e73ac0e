// POST /api/signup - create a user and their own workspace (off when SIGNUP_ENABLED=false)
import { readJson } from "@/lib/api/body";
import { json, withPublic } from "@/lib/api/with-workspace";
import { hashPassword } from "@/lib/auth/password";
import { rationedSignup } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { signupInput } from "@/lib/workspaces/schema";
import { createWorkspace } from "@/lib/workspaces/service";

export const POST = withPublic(async ({ req }) => {
  if (!env().SIGNUP_ENABLED)
    throw new AppError("forbidden", "Sign-up is turned off on this server. Ask an owner for an invitation.");
  // Telling someone an address is taken is unavoidable here, so it is rationed: a client address
  // that keeps hitting existing accounts is slowed down like failed sign-ins (lib/auth/throttle.ts).
  const { user, workspaceName } = await rationedSignup(req.headers, async () => {
    const input = await readJson(req, signupInput, 16 * 1024);
    const passwordHash = await hashPassword(input.password); // before the lookup: same time either way
    if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } }))
      throw new AppError("conflict", "An account with this email already exists", [
        { path: "email", message: "An account with this email already exists" },
      ]);
    const created = await db.user.create({ data: { email: input.email, name: input.name, passwordHash } });
    return { user: created, workspaceName: input.workspaceName };
  });
  const workspace = await createWorkspace(user.id, workspaceName);
  return json({ workspace: { slug: workspace.slug } }, 201);
});
