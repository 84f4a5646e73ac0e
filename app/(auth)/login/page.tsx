import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  const { callbackUrl } = await searchParams;
  const e = env();
  const target = safeCallbackPath(callbackUrl, e.PUBLIC_URL);
  if (await currentUser()) redirect(target);
  return (
    <LoginForm
      callbackUrl={target}
      signupEnabled={e.SIGNUP_ENABLED}
      oidcName={e.OIDC_ISSUER ? e.OIDC_NAME : null}
    />
  );
}
