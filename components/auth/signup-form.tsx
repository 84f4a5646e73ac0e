"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { ApiError, api } from "@/lib/api/client";

export function SignupForm() {
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setPending(true);
    setError(null);
    try {
      const { workspace } = await api<{ workspace: { slug: string } }>("/api/signup", {
        method: "POST",
        body: form,
      });
      const res = await signIn("credentials", {
        email: form.email,
        password: form.password,
        redirect: false,
      });
      if (!res || res.error)
        throw new ApiError("Account created, but signing in failed. Try signing in.", 401);
      window.location.assign(`/${workspace.slug}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(String(err), 0));
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <h1 className="text-lg font-semibold">Create your account</h1>
      {error && !error.fields.length && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      <NameField
        kind="person"
        label="Your name"
        name="name"
        autoComplete="name"
        required
        error={error?.field("name")}
        autoFocus
      />
      <TextField
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        required
        error={error?.field("email")}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        help="At least 10 characters"
        error={error?.field("password")}
      />
      <NameField
        kind="workspace"
        label="Workspace name"
        name="workspaceName"
        required
        error={error?.field("workspaceName")}
      />
      <Button type="submit" pending={pending} className="w-full">
        Create account
      </Button>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
