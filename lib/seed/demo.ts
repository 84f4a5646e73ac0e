import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createSource } from "@/lib/sources/service";

export interface SeedResult {
  email: string;
  password: string | null; // null when taken from DEMO_OWNER_PASSWORD (not echoed)
  workspaceSlug: string;
}

/** First run only: a demo workspace, its owner and two sources. Never a fixed password. */
export async function seedDemo(): Promise<SeedResult | null> {
  const e = env();
  if (!e.DEMO_SEED || (await db.user.count()) > 0) return null;
  const password = e.DEMO_OWNER_PASSWORD ?? randomBytes(12).toString("base64url");
  const owner = await db.user.create({
    data: {
      email: e.DEMO_OWNER_EMAIL.toLowerCase(),
      name: "Demo Owner",
      passwordHash: await hashPassword(password),
    },
  });
  const workspace = await db.workspace.create({
    data: {
      name: "Demo Workspace",
      slug: "demo",
      memberships: { create: { userId: owner.id, role: "owner" } },
    },
  });
  await createSource(workspace.id, { name: "Marketing Website", type: "website", environment: "dev" });
  await createSource(workspace.id, { name: "Backend API", type: "node", environment: "prod" });
  return {
    email: owner.email,
    password: e.DEMO_OWNER_PASSWORD ? null : password,
    workspaceSlug: workspace.slug,
  };
}
