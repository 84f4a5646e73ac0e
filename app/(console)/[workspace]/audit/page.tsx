import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { Forbidden } from "@/components/console/forbidden";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  const access = await pageAccess((await params).workspace);
  if (!access.can("audit.read"))
    return (
      <Forbidden
        page="the Audit log"
        action="audit.read"
        role={access.role}
        workspace={access.workspace.slug}
      />
    );
  return <AuditLog />;
}
