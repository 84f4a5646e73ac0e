import type { Provider } from "next-auth/providers/index";
import { db } from "@/lib/db";
import type { Env } from "@/lib/env";

// Single sign-on with any OpenID Connect provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET).
// An SSO identity is tied to a local account by email, so the email must be one the provider has
// verified: `email_verified: true`, nothing else. Where the ID token carries no email (the spec's
// default), it is read from the userinfo endpoint. With SIGNUP_ENABLED=false, SSO creates an
// account only for an email with a pending invitation addressed to it. Every refusal is logged
// and shown on the login page with its reason (SSO_ERRORS).

export interface OidcUser {
  id: string;
  email: string | null;
  name: string;
  emailVerified: boolean;
}

interface Claims {
  sub: string;
  email?: string;
  email_verified?: unknown;
  name?: string;
}

export const SSO_ERRORS: Record<string, string> = {
  sso_no_email:
    "Your single sign-on provider did not share an email address, so we cannot find your account.",
  sso_unverified_email:
    "Your single sign-on provider has not verified your email address. Verify it with the provider, then try again.",
  sso_signup_disabled:
    "There is no account for this email, and sign-up is turned off on this server. Ask an owner for an invitation.",
  sso_failed: "Single sign-on failed. Try again, or sign in with your email and password.",
};

const discovery = new Map<string, Promise<{ userinfo_endpoint?: string }>>();

async function userinfo(issuer: string, accessToken: string): Promise<Partial<Claims>> {
  const wellKnown = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  if (!discovery.has(wellKnown))
    discovery.set(
      wellKnown,
      fetch(wellKnown, { signal: AbortSignal.timeout(10_000) }).then((r) => r.json()),
    );
  const endpoint = (await discovery.get(wellKnown)!).userinfo_endpoint;
  if (!endpoint) return {};
  const res = await fetch(endpoint, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`userinfo endpoint answered ${res.status}`);
  return (await res.json()) as Partial<Claims>;
}

/** The ID token's claims, completed from userinfo when the token has no email. */
export async function oidcProfile(
  issuer: string,
  claims: Claims,
  tokens: { access_token?: string },
): Promise<OidcUser> {
  let merged: Partial<Claims> = claims;
  if (!claims.email && tokens.access_token) {
    const info = await userinfo(issuer, tokens.access_token);
    // The userinfo sub must be the ID token's (OpenID Connect Core 5.3.2), or it is someone else.
    if (info.sub === claims.sub)
      merged = { ...info, ...claims, email: info.email, email_verified: info.email_verified };
  }
  return {
    id: claims.sub,
    email: merged.email ? merged.email.toLowerCase() : null,
    name: merged.name ?? merged.email ?? claims.sub,
    emailVerified: merged.email_verified === true,
  };
}

export function oidcProvider(e: Env): Provider | null {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  const issuer = e.OIDC_ISSUER;
  return {
    id: "oidc",
    name: e.OIDC_NAME,
    type: "oauth",
    wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile: (claims: Claims, tokens: { access_token?: string }) => oidcProfile(issuer, claims, tokens),
  } as Provider;
}

function refuse(code: keyof typeof SSO_ERRORS, detail: string): string {
  console.warn(`[switchyard] single sign-on refused (${code}): ${detail}`);
  return `/login?error=${code}`;
}

/** next-auth's signIn callback for SSO: true to go on, or the login page with the reason. */
export async function oidcSignIn(user: OidcUser, e: Pick<Env, "SIGNUP_ENABLED">): Promise<true | string> {
  if (!user.email)
    return refuse("sso_no_email", `subject ${user.id} has no email in the ID token or userinfo`);
  if (!user.emailVerified)
    return refuse("sso_unverified_email", `${user.email} is not verified by the provider`);
  const email = user.email;
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return true;
  if (!e.SIGNUP_ENABLED) {
    const invited = await db.invitation.findFirst({
      where: { email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true },
    });
    if (!invited) return refuse("sso_signup_disabled", `${email} has no account and no pending invitation`);
  }
  await db.user.create({ data: { email, name: user.name } });
  return true;
}
