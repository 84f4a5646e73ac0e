import type { Metadata } from "next";
import Link from "next/link";
import { SignupForm } from "@/components/auth/signup-form";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

export default function SignupPage() {
  if (!env().SIGNUP_ENABLED) {
    return (
      <div className="space-y-3 text-sm">
        <h1 className="text-lg font-semibold">Sign-up is turned off</h1>
        <p className="text-slate-600">
          This server only admits invited members. Ask a workspace owner for an invitation link.
        </p>
        <Link href="/login" className="font-medium text-brand-700 hover:underline">
          Back to sign in
        </Link>
      </div>
    );
  }
  return <SignupForm />;
}
