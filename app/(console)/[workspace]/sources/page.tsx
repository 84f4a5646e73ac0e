import type { Metadata } from "next";
import { SourcesList } from "@/components/sources/sources-list";

export const metadata: Metadata = { title: "Sources" };

export default async function SourcesPage({
  searchParams,
}: {
  searchParams: Promise<{ environment?: string }>;
}) {
  const { environment } = await searchParams;
  return <SourcesList initialEnvironment={environment ?? ""} />;
}
