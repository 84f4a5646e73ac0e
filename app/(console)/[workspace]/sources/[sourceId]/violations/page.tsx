import type { Metadata } from "next";
import { ViolationsView } from "@/components/protocols/violations-view";

export const metadata: Metadata = { title: "Tracking plan violations" };

export default async function SourceViolationsPage({ params }: { params: Promise<{ sourceId: string }> }) {
  return <ViolationsView sourceId={(await params).sourceId} />;
}
