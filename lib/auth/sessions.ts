import { db } from "@/lib/db";

// How sessions end (docs/security.md#sessions). Sessions stay next-auth JWTs in a cookie, and
// every token carries two claims checked on every request and every open stream:
//  - sv: the user's sessionVersion when the token was issued. Bumping the version (sign out
//    everywhere, password change, removal from the last workspace) ends every session at once.
//  - authAt: when the person signed in. Refreshing a session re-issues the cookie with a new
//    idle expiry (SESSION_MAX_AGE_HOURS) but never moves authAt, so SESSION_ABSOLUTE_HOURS after
//    signing in the session ends whatever happens.

export class SessionEnded extends Error {
  constructor(readonly reason: "revoked" | "expired" | "unknown_user" | "malformed") {
    super(`session ${reason}`);
    this.name = "SessionEnded";
  }
}

export interface SessionClaims {
  sub?: string;
  sv?: unknown;
  authAt?: unknown;
}

/** Why a token's session has ended, or null when it is still valid (one indexed read). */
export async function sessionProblem(
  token: SessionClaims,
  absoluteHours: number,
  now = Date.now(),
): Promise<SessionEnded | null> {
  if (!token.sub || typeof token.sv !== "number" || typeof token.authAt !== "number")
    return new SessionEnded("malformed");
  if (now - token.authAt * 1000 > absoluteHours * 3600_000) return new SessionEnded("expired");
  const user = await db.user.findUnique({ where: { id: token.sub }, select: { sessionVersion: true } });
  if (!user) return new SessionEnded("unknown_user");
  if (user.sessionVersion !== token.sv) return new SessionEnded("revoked");
  return null;
}

/** The claims a fresh session starts with. */
export async function freshClaims(userId: string): Promise<{ sv: number; authAt: number }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return { sv: user?.sessionVersion ?? 0, authAt: Math.floor(Date.now() / 1000) };
}

/** Ends every session of a user, on every device, now. */
export async function endAllSessions(userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
