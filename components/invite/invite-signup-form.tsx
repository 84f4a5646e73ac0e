"use client";

import { useInvitationSignup } from "@/components/invite/use-invitation";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { ApiError } from "@/lib/api/client";

/** New to Switchyard: create an account and join in one step (works even when public sign-up is off). */
export function InviteSignupForm({ token, invitedEmail }: { token: string; invitedEmail: string | null }) {
  const signup = useInvitationSignup(token);
  const error = signup.error instanceof ApiError ? signup.error : null;

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    signup.mutate(
      {
        name: String(form.get("name") ?? ""),
        email: invitedEmail ?? String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
      },
      { onSuccess: (r) => window.location.assign(`/${r.workspace.slug}`) },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-labelledby="invite-signup-title">
      <h2 id="invite-signup-title" className="text-sm font-semibold">
        New here? Create your account
      </h2>
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
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={invitedEmail ?? undefined}
        readOnly={invitedEmail !== null}
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
      <Button type="submit" className="w-full" pending={signup.isPending || signup.isSuccess}>
        Create account and join
      </Button>
    </form>
  );
}
