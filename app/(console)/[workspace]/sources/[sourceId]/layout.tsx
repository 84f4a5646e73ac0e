import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Badge, EnvironmentBadge } from "@/components/ui/badge";
import { Logo } from "@/components/ui/logo";
import { Tabs } from "@/components/ui/tabs";
import { sourceTypeName } from "@/lib/catalog";
import { db } from "@/lib/db";
import { pageAccess } from "@/lib/workspaces/page-access";

export default async function SourceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspace: string; sourceId: string }>;
}) {
  const { workspace, sourceId } = await params;
  const access = await pageAccess(workspace);
  const source = await db.source.findFirst({ where: { id: sourceId, workspaceId: access.workspace.id } });
  if (!source) notFound();
  const base = `/${workspace}/sources/${source.id}`;
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace}/sources`} className="text-slate-500 hover:text-slate-800">
          Sources
        </Link>
      </p>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <Logo id={source.type} name={sourceTypeName(source.type)} size="lg" />
        <h1 className="text-xl font-semibold">{source.name}</h1>
        <EnvironmentBadge label={source.environment} />
        {!source.enabled && <Badge>Disabled</Badge>}
        <span className="text-sm text-slate-500">{sourceTypeName(source.type)}</span>
      </div>
      <Tabs
        tabs={[
          { href: base, label: "Overview" },
          { href: `${base}/debugger`, label: "Debugger" },
          { href: `${base}/schema`, label: "Schema" },
          { href: `${base}/violations`, label: "Violations" },
          { href: `${base}/settings`, label: "Settings" },
        ]}
      />
      {children}
    </>
  );
}
