import type { Metadata } from "next";
import { DebuggerView } from "@/components/debugger/debugger-view";

export const metadata: Metadata = { title: "Debugger" };

export default async function DebuggerPage({ params }: { params: Promise<{ sourceId: string }> }) {
  return <DebuggerView sourceId={(await params).sourceId} />;
}
