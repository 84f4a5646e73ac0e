import { describe, expect, it } from "vitest";
import { invitationInput } from "@/lib/invitations/schema";
import { INVITATION_TTL_MS, InvitationGone, invitationState } from "@/lib/invitations/state";

const now = new Date("2026-01-10T12:00:00Z");
const later = new Date(now.getTime() + 1000);
const earlier = new Date(now.getTime() - 1000);

describe("invitation state", () => {
  it("is pending until accepted, revoked or expired; used beats revoked beats expired", () => {
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: later }, now)).toBe("pending");
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: now }, now)).toBe("expired");
    expect(invitationState({ acceptedAt: null, revokedAt: earlier, expiresAt: earlier }, now)).toBe(
      "revoked",
    );
    expect(invitationState({ acceptedAt: earlier, revokedAt: earlier, expiresAt: earlier }, now)).toBe(
      "accepted",
    );
  });

  it("lasts a week", () => {
    expect(INVITATION_TTL_MS).toBe(7 * 24 * 3600 * 1000);
  });

  it("explains each dead state with a 410 body", () => {
    const gone = new InvitationGone("expired", "Acme");
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({
      error: { code: "gone", state: "expired", message: expect.stringContaining("expired") },
    });
    expect(new InvitationGone("accepted", "Acme").message).toContain("already been used");
    expect(new InvitationGone("revoked", "Acme").message).toContain("revoked");
  });
});

describe("invitation input", () => {
  it("treats an empty email as 'anyone with the link' and lowercases a given one", () => {
    expect(invitationInput.parse({ email: "", role: "read_only" })).toEqual({ role: "read_only" });
    expect(invitationInput.parse({ email: " Ana@Example.COM ", role: "owner" }).email).toBe(
      "ana@example.com",
    );
  });

  it("reports bad fields by path", () => {
    const res = invitationInput.safeParse({ email: "nope", role: "boss", labels: ["UPPER ok?"] });
    expect(res.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["email", "labels.0", "role"]);
  });
});
