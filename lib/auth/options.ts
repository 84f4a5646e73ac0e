import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { verifyPassword } from "@/lib/auth/password";
import { sameOriginRedirect } from "@/lib/auth/redirect";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

const credentials = z.object({ email: z.string().email(), password: z.string().min(1).max(200) });

function providers(): NextAuthOptions["providers"] {
  const e = env();
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(raw) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const user = await db.user.findUnique({
          where: { email: parsed.data.email.toLowerCase() },
          omit: { passwordHash: false },
        });
        if (!user?.passwordHash || !(await verifyPassword(parsed.data.password, user.passwordHash)))
          return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) {
    list.push({
      id: "oidc",
      name: e.OIDC_NAME,
      type: "oauth",
      wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(p: { sub: string; email?: string; name?: string }) {
        return { id: p.sub, email: p.email, name: p.name ?? p.email };
      },
    });
  }
  return list;
}

export function authOptions(): NextAuthOptions {
  const e = env();
  return {
    secret: e.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: e.SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/login" },
    providers: providers(),
    callbacks: {
      redirect: async (params) => sameOriginRedirect(params),
      // OIDC users are matched to (or created as) local users by verified email.
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        if (!user.email) return false;
        const email = user.email.toLowerCase();
        await db.user.upsert({ where: { email }, update: {}, create: { email, name: user.name ?? email } });
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc" && user.email) {
          const local = await db.user.findUnique({ where: { email: user.email.toLowerCase() } });
          if (local) token.sub = local.id;
        } else if (user) {
          token.sub = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
