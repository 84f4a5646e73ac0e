import type { Metadata } from "next";
import { SchemaView } from "@/components/protocols/schema-view";

export const metadata: Metadata = { title: "Source schema" };

export default async function SourceSchemaPage({ params }: { params: Promise<{ sourceId: string }> }) {
  return <SchemaView sourceId={(await params).sourceId} />;
}
