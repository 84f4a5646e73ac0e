import type { Metadata } from "next";
import { DebuggerView } from "@/components/debugger/debugger-view";
import { parseViewState } from "@/lib/debugger/view-state";

export const metadata: Metadata = { title: "Debugger" };

// The filters live in the query string (docs/debugger.md), so a filtered view can be shared.
export default async function DebuggerPage({
  params,
  searchParams,
}: {
  params: Promise<{ sourceId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <DebuggerView sourceId={(await params).sourceId} initial={parseViewState(await searchParams)} />;
}
