// An invitation's life: pending until it is accepted, revoked or expires. Pure, so the
// messages people see are unit-tested without a database.

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type InvitationState = "pending" | "expired" | "revoked" | "accepted";

interface Lifecycle {
  acceptedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

export function invitationState(inv: Lifecycle, now = new Date()): InvitationState {
  if (inv.acceptedAt) return "accepted";
  if (inv.revokedAt) return "revoked";
  return inv.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

export function goneMessage(state: Exclude<InvitationState, "pending">, workspaceName: string): string {
  if (state === "accepted") return `This invitation to ${workspaceName} has already been used.`;
  if (state === "revoked") return `This invitation to ${workspaceName} was revoked by an owner.`;
  return `This invitation to ${workspaceName} has expired. Ask an owner for a new link.`;
}

/**
 * An invitation that existed but can no longer be used: answered with 410 Gone. Not an AppError
 * because lib/errors.ts has no 410 code; the invitation routes map it themselves.
 */
export class InvitationGone extends Error {
  readonly status = 410;
  constructor(
    readonly state: Exclude<InvitationState, "pending">,
    readonly workspaceName: string,
  ) {
    super(goneMessage(state, workspaceName));
  }
  get body() {
    return { error: { code: "gone", message: this.message, state: this.state } };
  }
}
