import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NewSource } from "@/components/sources/new-source";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Add source" };

export default async function NewSourcePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ environment?: string; type?: string; category?: string; returnTo?: string }>;
}) {
  const access = await pageAccess((await params).workspace);
  if (!access.can("sources.write")) notFound();
  const sp = await searchParams;
  return (
    <NewSource
      presetEnvironment={sp.environment}
      presetType={sp.type}
      presetCategory={sp.category}
      returnTo={sp.returnTo && /^\/(?![/\\])/.test(sp.returnTo) ? sp.returnTo : undefined}
    />
  );
}
