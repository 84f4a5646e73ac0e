import type { Metadata } from "next";
import { Forbidden } from "@/components/console/forbidden";
import { NewDestination } from "@/components/destinations/new-destination";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Add destination" };

/** Only same-site paths: "//host" and "/\host" would send the browser to another site. */
function safeReturnTo(value: string | undefined) {
  return value && /^\/(?![/\\])/.test(value) ? value : undefined;
}

export default async function NewDestinationPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ category?: string; source?: string; type?: string; returnTo?: string }>;
}) {
  const access = await pageAccess((await params).workspace);
  if (!access.can("destinations.write"))
    return (
      <Forbidden
        page="New destination"
        action="destinations.write"
        role={access.role}
        workspace={access.workspace.slug}
      />
    );
  const sp = await searchParams;
  return (
    <NewDestination
      presetCategory={sp.category}
      presetSource={sp.source}
      presetType={sp.type}
      returnTo={safeReturnTo(sp.returnTo)}
    />
  );
}
