// DELETE /api/account/sessions - sign the current user out of every session, on every device (this one too)
import { json, withUser } from "@/lib/api/with-workspace";
import { endAllSessions } from "@/lib/auth/sessions";

export const DELETE = withUser(async ({ user }) => {
  await endAllSessions(user.id);
  return json({ signedOut: true });
});
