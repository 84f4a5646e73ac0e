"use client";

import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { ApiError, api } from "@/lib/api/client";
import type { InvitationSignup } from "@/lib/invitations/schema";

interface Joined {
  workspace: { name: string; slug: string };
  role: string;
  labels: string[] | null;
}

const base = (token: string) => `/api/invitations/${encodeURIComponent(token)}`;

/** Accept as the signed-in user. */
export function useAcceptInvitation(token: string) {
  return useMutation({ mutationFn: () => api<Joined>(base(token), { method: "POST" }) });
}

/** Create the account and join, then sign in with the same credentials. */
export function useInvitationSignup(token: string) {
  return useMutation({
    mutationFn: async (input: InvitationSignup) => {
      const joined = await api<Joined>(`${base(token)}/signup`, { method: "POST", body: input });
      const res = await signIn("credentials", {
        email: input.email,
        password: input.password,
        redirect: false,
      });
      if (!res || res.error)
        throw new ApiError("Your account was created, but signing in failed. Sign in to continue.", 401);
      return joined;
    },
  });
}
