import { z } from "zod";
import type { InvitationState } from "@/lib/invitations/state";
import { labelScope, role } from "@/lib/members/schema";
import { signupInput } from "@/lib/workspaces/schema";

// One schema per resource, shared by the route handlers, the client hooks and the tests.

/** Optional: an empty string means "anyone with the link". Set, only that address can accept. */
const inviteeEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid email address")
  .transform((v) => v || undefined);

export const invitationInput = z
  .object({ email: inviteeEmail.optional(), role, labels: labelScope.optional() })
  .strict();
export type InvitationInput = z.input<typeof invitationInput>;

/** Accepting as a new user: the account fields of sign-up, without a workspace of their own. */
export const invitationSignup = signupInput.pick({ name: true, email: true, password: true });
export type InvitationSignup = z.input<typeof invitationSignup>;

export interface InvitationView {
  id: string;
  email: string | null;
  role: z.infer<typeof role>;
  labels: string[] | null;
  expiresAt: string;
  createdAt: string;
}

/** A used, revoked or expired invitation: who used it and when, for the owners' record. */
export interface InvitationHistoryView extends InvitationView {
  state: Exclude<InvitationState, "pending">;
  acceptedAt: string | null;
  acceptedBy: { name: string; email: string } | null;
  revokedAt: string | null;
}

/** What anyone holding the link may see. */
export interface PublicInvitation {
  workspace: { name: string };
  email: string | null;
  role: z.infer<typeof role>;
  labels: string[] | null;
  expiresAt: string;
  state: InvitationState;
}
