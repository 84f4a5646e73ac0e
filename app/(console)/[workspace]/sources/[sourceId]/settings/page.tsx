import type { Metadata } from "next";
import { SourceSettings } from "@/components/sources/source-settings";

export const metadata: Metadata = { title: "Source settings" };

export default async function SourceSettingsPage({ params }: { params: Promise<{ sourceId: string }> }) {
  return <SourceSettings sourceId={(await params).sourceId} />;
}
