import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ControlBadges, HealthBadge } from "@/components/delivery/health-badge";
import { DestinationInfo } from "@/components/destinations/destination-info";
import { Badge } from "@/components/ui/badge";
import { Logo } from "@/components/ui/logo";
import { Tabs } from "@/components/ui/tabs";
import { getDestinationType } from "@/lib/catalog";
import { db } from "@/lib/db";
import { sqlite } from "@/lib/db/sqlite";
import { perform } from "@/lib/db/work";
import { controlOf } from "@/lib/delivery/control";
import { HEALTHY } from "@/lib/delivery/health";
import { destinationHealth } from "@/lib/destinations/queries";
import { pageAccess } from "@/lib/workspaces/page-access";

export default async function DestinationLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspace: string; destinationId: string }>;
}) {
  const { workspace, destinationId } = await params;
  const access = await pageAccess(workspace);
  const destination = await db.destination.findFirst({
    where: { id: destinationId, workspaceId: access.workspace.id },
    select: { id: true, name: true, type: true, enabled: true },
  });
  if (!destination) notFound();
  const type = getDestinationType(destination.type);
  const [healths, control] = await Promise.all([
    destinationHealth(access.workspace.id),
    perform(sqlite(), controlOf(destination.id)),
  ]);
  const health = healths.get(destination.id) ?? HEALTHY;
  const base = `/${workspace}/destinations/${destination.id}`;
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace}/destinations`} className="text-slate-500 hover:text-slate-800">
          Destinations
        </Link>
      </p>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <Logo id={destination.type} name={type?.name ?? destination.type} size="lg" />
        <h1 className="text-xl font-semibold">{destination.name}</h1>
        {destination.enabled ? <Badge tone="green">Enabled</Badge> : <Badge>Disabled</Badge>}
        {health.state !== "healthy" && (
          <span title={health.reason ?? undefined} data-testid="health-badge">
            <HealthBadge state={health.state} />
          </span>
        )}
        <ControlBadges control={control} />
        <span className="text-sm text-slate-500">
          {type?.name ?? destination.type}
          {type ? ` · ${type.category}` : ""}
        </span>
      </div>
      {type && <DestinationInfo type={type} />}
      <Tabs
        tabs={
          type?.warehouse
            ? // Warehouses load in bulk: no per-message delivery, and destination filters do not apply.
              [
                { href: base, label: "Settings" },
                { href: `${base}/syncs`, label: "Syncs" },
                { href: `${base}/selective-sync`, label: "Selective Sync" },
              ]
            : [
                { href: base, label: "Settings" },
                { href: `${base}/filters`, label: "Filters" },
                { href: `${base}/delivery`, label: "Event Delivery" },
              ]
        }
      />
      {children}
    </>
  );
}
