import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { WorkspaceHealth } from "@/components/delivery/workspace-health";
import { EnvironmentBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/states";
import { db } from "@/lib/db";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  const workspaceId = access.workspace.id;
  const [sources, destinations] = await Promise.all([
    db.source.groupBy({ by: ["environment"], where: { workspaceId }, _count: { _all: true } }),
    db.destination.findMany({
      where: { workspaceId },
      select: { enabled: true, sources: { select: { source: { select: { environment: true } } } } },
    }),
  ]);
  // A new workspace lands on guided setup's welcome (which also resumes a setup in progress).
  if (sources.length === 0 && destinations.length === 0) redirect(`/${access.workspace.slug}/setup`);
  const base = `/${access.workspace.slug}`;
  const destinationsByEnv = new Map<string, number>();
  for (const d of destinations) {
    const envs = new Set(d.sources.map((s) => s.source.environment));
    if (envs.size === 0) envs.add("not connected");
    for (const e of envs) destinationsByEnv.set(e, (destinationsByEnv.get(e) ?? 0) + 1);
  }
  const labels = [...new Set([...sources.map((s) => s.environment), ...destinationsByEnv.keys()])].sort();
  const canAdd = access.can("sources.write");

  return (
    <>
      <PageHeader
        title={access.workspace.name}
        description="Where your data comes from and where it goes."
        actions={
          canAdd && (
            <Link href={`${base}/sources/new`} className={buttonClass("secondary")}>
              Add source
            </Link>
          )
        }
      />
      <Card title="By environment">
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="pb-2 font-medium">Environment</th>
              <th className="pb-2 font-medium">Sources</th>
              <th className="pb-2 font-medium">Destinations</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {labels.map((label) => (
              <tr key={label}>
                <td className="py-2">
                  <EnvironmentBadge label={label} />
                </td>
                <td className="py-2">
                  <Link
                    className="text-brand-700 hover:underline"
                    href={`${base}/sources?environment=${encodeURIComponent(label)}`}
                  >
                    {sources.find((s) => s.environment === label)?._count._all ?? 0}
                  </Link>
                </td>
                <td className="py-2">{destinationsByEnv.get(label) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {destinations.length > 0 && access.can("delivery.read") && (
        <div className="mt-6">
          <WorkspaceHealth />
        </div>
      )}
    </>
  );
}
