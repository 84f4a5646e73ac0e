"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { api } from "@/lib/api/client";

/** Ends every session of this account (other browsers, copied cookies, this one), then signs out here. */
export function SignOutEverywhere({ className = "" }: { className?: string }) {
  const [state, setState] = useState<"idle" | "pending" | "error">("idle");
  async function run() {
    if (!window.confirm("Sign out of every session, on every device, including this one?")) return;
    setState("pending");
    try {
      await api("/api/account/sessions", { method: "DELETE" });
      await signOut({ callbackUrl: "/login" });
    } catch {
      setState("error");
    }
  }
  return (
    <>
      <button
        type="button"
        onClick={run}
        disabled={state === "pending"}
        className={`text-xs font-medium text-slate-600 hover:text-slate-900 disabled:opacity-50 ${className}`}
      >
        {state === "pending" ? "Signing out everywhere…" : "Sign out of all sessions"}
      </button>
      {state === "error" && (
        <p role="alert" className="text-xs text-red-700">
          Could not sign out everywhere. Try again.
        </p>
      )}
    </>
  );
}
