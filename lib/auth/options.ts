import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { type OidcUser, oidcProvider, oidcSignIn } from "@/lib/auth/oidc";
import { verifyDummyPassword, verifyPassword } from "@/lib/auth/password";
import { sameOriginRedirect } from "@/lib/auth/redirect";
import { freshClaims, SessionEnded, sessionProblem } from "@/lib/auth/sessions";
import { clearFailures, clientAddress, recordFailure, retryAfterAny, throttleKey } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

const credentials = z.object({ email: z.string().email(), password: z.string().min(1).max(200) });

/** Email and password, throttled per account and per client address, in equal time for unknown emails. */
async function authorizePassword(raw: unknown, headers: Record<string, unknown> | undefined) {
  const parsed = credentials.safeParse(raw);
  if (!parsed.success) return null;
  const email = parsed.data.email.toLowerCase();
  const account = throttleKey("account", email);
  const client = throttleKey("client", clientAddress(headers));
  // The route answers 429 before this when a key is locked; requests racing past it fail here.
  if ((await retryAfterAny([account, client])) > 0) return null;
  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = user?.passwordHash
    ? await verifyPassword(parsed.data.password, user.passwordHash)
    : await verifyDummyPassword(parsed.data.password);
  if (!ok || !user) {
    await recordFailure("account", account);
    await recordFailure("client", client);
    return null;
  }
  await clearFailures(account);
  return { id: user.id, email: user.email, name: user.name };
}

function providers(): NextAuthOptions["providers"] {
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      authorize: (raw, req) => authorizePassword(raw, req?.headers as Record<string, unknown> | undefined),
    }),
  ];
  const oidc = oidcProvider(env());
  if (oidc) list.push(oidc);
  return list;
}

const endedSession = (meta: unknown) => {
  const m = meta as { name?: string; error?: { name?: string } } | undefined;
  return m instanceof SessionEnded || m?.name === "SessionEnded" || m?.error?.name === "SessionEnded";
};

export function authOptions(): NextAuthOptions {
  const e = env();
  return {
    secret: e.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: e.SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/login", error: "/login" },
    providers: providers(),
    logger: {
      // An ended session is routine (the cookie is cleared and the person signs in again).
      error(code, meta) {
        if (!endedSession(meta)) console.error(`[next-auth][error][${code}]`, meta);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
    callbacks: {
      redirect: async (params) => sameOriginRedirect(params),
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        return oidcSignIn(user as OidcUser, e);
      },
      async jwt({ token, user, account }) {
        if (user) {
          let id = user.id;
          if (account?.provider === "oidc" && user.email) {
            const local = await db.user.findUnique({ where: { email: user.email.toLowerCase() } });
            if (!local) throw new Error("SSO user vanished between sign-in and session");
            id = local.id;
          }
          return { ...token, sub: id, ...(await freshClaims(id)) };
        }
        // Every request and every refresh: throwing ends the session and clears the cookie.
        const problem = await sessionProblem(token, e.SESSION_ABSOLUTE_HOURS);
        if (problem) throw problem;
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) {
          const u = session.user as { id?: string; sv?: number; authAt?: number };
          u.id = token.sub;
          u.sv = token.sv as number;
          u.authAt = token.authAt as number;
        }
        return session;
      },
    },
  };
}
