import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Forbidden } from "@/components/console/forbidden";
import { DeliveryDashboard } from "@/components/delivery/delivery-dashboard";
import type { InitialPanels } from "@/components/delivery/use-delivery";
import { getDestinationType } from "@/lib/catalog";
import { db } from "@/lib/db";
import { keyMetrics, trends } from "@/lib/metrics/dashboard";
import { errorSummary } from "@/lib/metrics/errors";
import { periodQuery, periodQueryString, resolveWindow } from "@/lib/metrics/period";
import { pageAccess } from "@/lib/workspaces/page-access";

export const metadata: Metadata = { title: "Event delivery" };

type Search = Record<string, string | string[] | undefined>;

// Every destination in this product is delivered by the server, so every one has this tab. The
// panels for the period in the URL are rendered with the page (no request waterfall after
// hydration); from then on the browser refreshes them itself.
export default async function DestinationDeliveryPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; destinationId: string }>;
  searchParams: Promise<Search>;
}) {
  const { workspace, destinationId } = await params;
  const access = await pageAccess(workspace);
  if (!access.can("delivery.read"))
    return (
      <Forbidden
        page="Event Delivery"
        action="delivery.read"
        role={access.role}
        workspace={access.workspace.slug}
      />
    );
  const destination = await db.destination.findFirst({
    where: { id: destinationId, workspaceId: access.workspace.id },
    select: { id: true, type: true },
  });
  if (!destination) notFound();
  const type = getDestinationType(destination.type);
  const search = await searchParams;
  const query = periodQuery.safeParse(
    Object.fromEntries(
      ["period", "from", "to"].flatMap((k) =>
        typeof search[k] === "string" && search[k] ? [[k, search[k]]] : [],
      ),
    ),
  );
  let initial: InitialPanels | undefined;
  if (query.success) {
    const at = Date.now();
    const window = resolveWindow(query.data, at);
    const [metrics, errors, trendsView] = await Promise.all([
      keyMetrics(destination.id, window),
      errorSummary(destination.id, window),
      trends(destination.id, window),
    ]);
    initial = { qs: periodQueryString(query.data), at, metrics, errors, trends: trendsView };
  }
  return (
    <Suspense>
      <DeliveryDashboard
        destinationId={destination.id}
        docsUrl={type?.docsUrl ?? null}
        typeName={type?.name ?? destination.type}
        initial={initial}
      />
    </Suspense>
  );
}
