import { z } from "zod";
import { ROLES } from "@/lib/rbac/permissions";
import { environmentLabel } from "@/lib/sources/schema";

// One schema per resource, shared by the route handlers, the client hooks and the tests.

export const role = z.enum(ROLES, { error: "Choose owner, source_admin or read_only" });

/** A label scope: a list of environment labels; empty or null means every label. */
export const labelScope = z
  .array(environmentLabel)
  .max(20, "Scope a member to at most 20 labels")
  .nullable()
  .transform((labels) => (labels && labels.length > 0 ? [...new Set(labels)].sort() : null));

export const memberUpdate = z.object({ role, labels: labelScope }).partial().strict();
export type MemberUpdate = z.input<typeof memberUpdate>;

export interface MemberView {
  /** The membership id: what /members/:memberId addresses. */
  id: string;
  userId: string;
  name: string;
  email: string;
  role: z.infer<typeof role>;
  labels: string[] | null;
  joinedAt: string;
}
