import type { Metadata } from "next";
import { SourceOverview } from "@/components/sources/source-overview";

export const metadata: Metadata = { title: "Source" };

export default async function SourceOverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ sourceId: string }>;
  searchParams: Promise<{ created?: string }>;
}) {
  return (
    <SourceOverview sourceId={(await params).sourceId} justCreated={(await searchParams).created === "1"} />
  );
}
