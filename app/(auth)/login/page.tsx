import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  const { callbackUrl } = await searchParams;
  if (await currentUser()) redirect("/");
  const e = env();
  return (
    <LoginForm
      callbackUrl={callbackUrl?.startsWith("/") ? callbackUrl : "/"}
      signupEnabled={e.SIGNUP_ENABLED}
      oidcName={e.OIDC_ISSUER ? e.OIDC_NAME : null}
    />
  );
}
