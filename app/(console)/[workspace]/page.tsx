import type { Metadata } from "next";
import Link from "next/link";
import { WorkspaceHealth } from "@/components/delivery/workspace-health";
import { ConnectionsOverview } from "@/components/overview/connections-overview";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/states";
import { db } from "@/lib/db";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Overview" };

// The workspace overview: the Connections map (sources -> destinations with their last 24 h; first
// steps while the workspace is empty) and, below it, each destination's delivery health.
export default async function OverviewPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  const base = `/${access.workspace.slug}`;
  const hasDestinations = (await db.destination.count({ where: { workspaceId: access.workspace.id } })) > 0;
  return (
    <>
      <PageHeader
        title={access.workspace.name}
        description="Where your data comes from and where it goes."
        actions={
          <>
            {access.can("sources.write") && (
              <Link href={`${base}/sources/new`} className={buttonClass("secondary")}>
                Add source
              </Link>
            )}
            {access.can("destinations.write") && (
              <Link href={`${base}/destinations/new`} className={buttonClass("secondary")}>
                Add destination
              </Link>
            )}
          </>
        }
      />
      <ConnectionsOverview />
      {hasDestinations && access.can("delivery.read") && (
        <div className="mt-6">
          <WorkspaceHealth />
        </div>
      )}
    </>
  );
}
