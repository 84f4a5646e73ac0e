import type { Metadata } from "next";
import Link from "next/link";
import { InvitationSummary } from "@/components/invite/invitation-summary";
import { InviteSignupForm } from "@/components/invite/invite-signup-form";
import { JoinInvitation } from "@/components/invite/join-invitation";
import { buttonClass } from "@/components/ui/button";
import { currentUser } from "@/lib/auth/session";
import { describeInvitation, memberSlug } from "@/lib/invitations/service";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [user, found] = await Promise.all([currentUser(), describeInvitation(token)]);

  if (found.kind !== "ok") {
    return (
      <div className="space-y-3 text-sm">
        <h1 className="text-lg font-semibold">
          {found.kind === "gone" ? "This invitation can no longer be used" : "Invitation not found"}
        </h1>
        <p role="alert" className="text-slate-600">
          {found.message}
        </p>
        <Link href={user ? "/" : "/login"} className="font-medium text-brand-700 hover:underline">
          {user ? "Go to your workspaces" : "Sign in"}
        </Link>
      </div>
    );
  }

  const { invitation } = found;
  const existing = user ? await memberSlug(user.id, invitation.workspaceId) : null;
  const loginHref = `/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`;

  return (
    <div className="space-y-6">
      <InvitationSummary invitation={invitation} />
      {existing ? (
        <div className="space-y-3 text-sm">
          <p className="text-slate-600">You are already a member of {invitation.workspace.name}.</p>
          <Link href={`/${existing}`} className={`${buttonClass("primary")} w-full`}>
            Open {invitation.workspace.name}
          </Link>
        </div>
      ) : user ? (
        <JoinInvitation token={token} signedInAs={user.email} invitedEmail={invitation.email} />
      ) : (
        <>
          <div className="space-y-2 text-sm">
            <p className="text-slate-600">
              {invitation.email ? `This invitation is for ${invitation.email}. ` : ""}Already have an account?
            </p>
            <Link href={loginHref} className={`${buttonClass("secondary")} w-full`}>
              Sign in to accept
            </Link>
          </div>
          <div className="border-t border-slate-100 pt-5">
            <InviteSignupForm token={token} invitedEmail={invitation.email} />
          </div>
        </>
      )}
    </div>
  );
}
