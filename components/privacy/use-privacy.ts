"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { useWorkspace } from "@/components/console/workspace-context";
import { api } from "@/lib/api/client";
import type {
  deletionInput,
  destinationPrivacyInput,
  fieldInput,
  matcherInput,
  suppressionInput,
} from "@/lib/privacy/schema";
import type { privacyOverview } from "@/lib/privacy/service";

export type PrivacyOverview = Awaited<ReturnType<typeof privacyOverview>>;
export type PrivacyFieldView = PrivacyOverview["fields"][number];

export function usePrivacy() {
  const ws = useWorkspace();
  return useQuery({
    queryKey: ["privacy", ws.slug],
    queryFn: () => api<PrivacyOverview>(ws.api("/privacy")),
  });
}

/** One mutation hook for every privacy write: each refreshes the whole page's data. */
function usePrivacyWrite<I>(
  method: string,
  path: (input: I) => string,
  body: (input: I) => unknown = (i) => i,
) {
  const ws = useWorkspace();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => api<unknown>(ws.api(path(input)), { method, body: body(input) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["privacy", ws.slug] }),
  });
}

export const useClassify = () => usePrivacyWrite<z.input<typeof fieldInput>>("PUT", () => "/privacy/fields");
export const useCreateMatcher = () =>
  usePrivacyWrite<z.input<typeof matcherInput>>("POST", () => "/privacy/matchers");
export const useToggleMatcher = () =>
  usePrivacyWrite<{ id: string; enabled: boolean }>(
    "PATCH",
    (i) => `/privacy/matchers/${i.id}`,
    (i) => ({ enabled: i.enabled }),
  );
export const useDeleteMatcher = () =>
  usePrivacyWrite<{ id: string }>(
    "DELETE",
    (i) => `/privacy/matchers/${i.id}`,
    () => undefined,
  );
export const useDestinationPrivacy = () =>
  usePrivacyWrite<z.input<typeof destinationPrivacyInput> & { id: string }>(
    "PUT",
    (i) => `/privacy/destinations/${i.id}`,
    ({ id: _id, ...rest }) => rest,
  );
export const useSourceConsent = () =>
  usePrivacyWrite<{ id: string; withoutConsent: "deliver" | "hold" }>(
    "PUT",
    (i) => `/privacy/sources/${i.id}`,
    (i) => ({ withoutConsent: i.withoutConsent }),
  );
export const useRequestDeletion = () =>
  usePrivacyWrite<z.input<typeof deletionInput>>("POST", () => "/privacy/deletions");
export const useSuppression = () =>
  usePrivacyWrite<z.input<typeof suppressionInput>>("PUT", () => "/privacy/suppressions");
