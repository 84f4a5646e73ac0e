// POST /api/signup - create a user and their own workspace (off when SIGNUP_ENABLED=false)
import { readJson } from "@/lib/api/body";
import { json, withPublic } from "@/lib/api/with-workspace";
import { hashPassword } from "@/lib/auth/password";
import { clientAddress, recordFailure, retryAfter, throttleKey } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, RateLimited } from "@/lib/errors";
import { signupInput } from "@/lib/workspaces/schema";
import { createWorkspace } from "@/lib/workspaces/service";

export const POST = withPublic(async ({ req }) => {
  if (!env().SIGNUP_ENABLED)
    throw new AppError("forbidden", "Sign-up is turned off on this server. Ask an owner for an invitation.");
  // Telling someone an address is taken is unavoidable here, so it is rationed: a client address
  // that keeps hitting existing accounts is slowed down like failed sign-ins (lib/auth/throttle.ts).
  const key = throttleKey("signup", clientAddress(req.headers));
  const wait = await retryAfter(key);
  if (wait > 0) throw new RateLimited(`Too many sign-up attempts. Try again in ${wait} seconds.`, wait);
  const input = await readJson(req, signupInput, 16 * 1024);
  const passwordHash = await hashPassword(input.password); // before the lookup: same time either way
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    await recordFailure("signup", key);
    throw new AppError("conflict", "An account with this email already exists", [
      { path: "email", message: "An account with this email already exists" },
    ]);
  }
  const user = await db.user.create({ data: { email: input.email, name: input.name, passwordHash } });
  const workspace = await createWorkspace(user.id, input.workspaceName);
  return json({ workspace: { slug: workspace.slug } }, 201);
});
