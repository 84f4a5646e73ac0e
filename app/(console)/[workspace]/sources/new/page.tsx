import type { Metadata } from "next";
import { Forbidden } from "@/components/console/forbidden";
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
  if (!access.can("sources.write"))
    return (
      <Forbidden
        page="New source"
        action="sources.write"
        role={access.role}
        workspace={access.workspace.slug}
      />
    );
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
