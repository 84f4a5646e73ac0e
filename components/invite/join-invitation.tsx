"use client";

import { signOut } from "next-auth/react";
import { useAcceptInvitation } from "@/components/invite/use-invitation";
import { Button } from "@/components/ui/button";

/** For a signed-in visitor: join with one click, or switch accounts when the invitation names another address. */
export function JoinInvitation({
  token,
  signedInAs,
  invitedEmail,
}: {
  token: string;
  signedInAs: string;
  invitedEmail: string | null;
}) {
  const accept = useAcceptInvitation(token);
  const otherAddress = invitedEmail !== null && invitedEmail !== signedInAs.toLowerCase();
  const switchAccount = () =>
    signOut({ callbackUrl: `/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}` });

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        Signed in as <span className="font-medium text-slate-900">{signedInAs}</span>.
      </p>
      {otherAddress && (
        <p role="alert" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900">
          This invitation is for {invitedEmail}. Sign in with that address to accept it.
        </p>
      )}
      {accept.error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
          {accept.error.message}
        </p>
      )}
      {!otherAddress && (
        <Button
          className="w-full"
          pending={accept.isPending || accept.isSuccess}
          onClick={() =>
            accept.mutate(undefined, { onSuccess: (r) => window.location.assign(`/${r.workspace.slug}`) })
          }
        >
          Join workspace
        </Button>
      )}
      <Button variant="secondary" className="w-full" onClick={switchAccount}>
        Use another account
      </Button>
    </div>
  );
}
