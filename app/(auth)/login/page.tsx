import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { SSO_ERRORS } from "@/lib/auth/oidc";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

/** The message for ?error= (set by next-auth or the SSO checks in lib/auth/oidc.ts). */
function signInError(code: string | undefined): string | null {
  if (!code) return null;
  if (code in SSO_ERRORS) return SSO_ERRORS[code]!;
  if (code === "rate_limited") return "Too many sign-in attempts. Wait a moment, then try again.";
  if (code === "CredentialsSignin") return "That email and password do not match an account.";
  if (code === "SessionRequired") return null;
  return SSO_ERRORS.sso_failed!;
}

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const { callbackUrl, error } = await searchParams;
  const e = env();
  const target = safeCallbackPath(callbackUrl, e.PUBLIC_URL);
  if (await currentUser()) redirect(target);
  return (
    <LoginForm
      callbackUrl={target}
      signupEnabled={e.SIGNUP_ENABLED}
      oidcName={e.OIDC_ISSUER ? e.OIDC_NAME : null}
      initialError={signInError(error)}
    />
  );
}
