import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  /** The session's version and sign-in time (lib/auth/sessions.ts), for re-checks in open streams. */
  session?: { sv: number; authAt: number };
}

/**
 * The signed-in user, or null. next-auth's jwt callback has already refused revoked and expired
 * sessions; the user is re-read from the database (a deleted user's token stops working).
 */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const claims = session?.user as { id?: string; sv?: number; authAt?: number } | undefined;
  if (!claims?.id) return null;
  const user = await db.user.findUnique({
    where: { id: claims.id },
    select: { id: true, email: true, name: true },
  });
  if (!user) return null;
  return { ...user, session: { sv: claims.sv ?? -1, authAt: claims.authAt ?? 0 } };
}
