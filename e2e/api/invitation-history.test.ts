import { describe, expect, it } from "vitest";
import { clientFor, createUser, createWorkspace } from "@/e2e/api/support";
import type { InvitationHistoryView } from "@/lib/invitations/schema";

// Invitation links are bearer links: single-use, expiring, revocable, and the owners see who
// used each one.

describe("invitation links", () => {
  it("work once, can be revoked, and the owner sees who used each", async () => {
    const [o, first, second] = await Promise.all([
      createUser("inv-owner"),
      createUser("inv-first"),
      createUser("inv-second"),
    ]);
    const ws = await createWorkspace(o.id);
    const owner = clientFor(o);
    const api = `/api/workspaces/${ws.slug}/invitations`;
    const made = await owner.post<{ invitation: { id: string }; link: string }>(api, { role: "read_only" });
    const token = made.body.link.split("/invite/")[1]!;
    expect((await clientFor(first).post(`/api/invitations/${token}`)).status).toBe(201);
    // Single use: the same link does not let a second person in.
    const again = await clientFor(second).post<{ error: { message: string } }>(`/api/invitations/${token}`);
    expect(again.status).toBe(410);
    expect(again.body.error.message).toMatch(/already been used/);

    const revoked = await owner.post<{ invitation: { id: string } }>(api, { role: "source_admin" });
    expect((await owner.delete(`${api}/${revoked.body.invitation.id}`)).status).toBe(200);

    const list = await owner.get<{ invitations: unknown[]; history: InvitationHistoryView[] }>(api);
    expect(list.status).toBe(200);
    expect(list.body.invitations).toEqual([]);
    const used = list.body.history.find((h) => h.id === made.body.invitation.id);
    expect(used).toMatchObject({
      state: "accepted",
      role: "read_only",
      acceptedBy: { email: first.email, name: first.name },
    });
    expect(used?.acceptedAt).toEqual(expect.any(String));
    expect(list.body.history.find((h) => h.id === revoked.body.invitation.id)).toMatchObject({
      state: "revoked",
      acceptedBy: null,
    });
    // Never the token or its hash.
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toMatch(/tokenHash/);
  });
});
