"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { signInWithPassword } from "@/lib/auth/sign-in-client";

export function LoginForm({
  callbackUrl,
  signupEnabled,
  oidcName,
  initialError,
}: {
  callbackUrl: string;
  signupEnabled: boolean;
  oidcName: string | null;
  /** Why the last attempt failed (an SSO refusal), from the login page's ?error= */
  initialError?: string | null;
}) {
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const outcome = await signInWithPassword(
      String(form.get("email") ?? ""),
      String(form.get("password") ?? ""),
    );
    setPending(false);
    if (!outcome.ok) return setError(outcome.message);
    window.location.assign(safeCallbackPath(callbackUrl, window.location.origin));
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-lg font-semibold">Sign in</h1>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <TextField label="Email" name="email" type="email" autoComplete="email" required autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" pending={pending} className="w-full">
        Sign in
      </Button>
      {oidcName && (
        <Button variant="secondary" className="w-full" onClick={() => signIn("oidc", { callbackUrl })}>
          Continue with {oidcName}
        </Button>
      )}
      {signupEnabled && (
        <p className="text-center text-sm text-slate-600">
          New here?{" "}
          <Link href="/signup" className="font-medium text-brand-700 hover:underline">
            Create an account
          </Link>
        </p>
      )}
    </form>
  );
}
