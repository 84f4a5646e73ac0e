import Link from "next/link";
import { formatCount } from "@/components/delivery/format";
import { HealthBadge } from "@/components/delivery/health-badge";
import { Badge } from "@/components/ui/badge";
import { Logo } from "@/components/ui/logo";
import type { ConnectionsDestination, ConnectionsSource } from "@/lib/metrics/connections";

// One source or destination of the Connections overview: logo, name, its 24 h volume and, for
// destinations, the health badge with not-delivered and retrying counts. The whole card is the
// link to its page, so it is one Tab stop. Not prefetched: a map of 50 nodes would otherwise
// request 50 pages from the server as soon as it is shown.

const CARD =
  "block rounded-lg border border-slate-200 bg-white p-3 shadow-sm outline-none hover:border-brand-500 focus-visible:ring-2 focus-visible:ring-brand-500";

interface Hover {
  /** In the map every card has one height: long names are cut; in the list they wrap. */
  fixed?: boolean;
  onActivate?: () => void;
  onDeactivate?: () => void;
  dimmed?: boolean;
  className?: string;
}

const hoverProps = (h: Hover) => ({
  onMouseEnter: h.onActivate,
  onMouseLeave: h.onDeactivate,
  onFocus: h.onActivate,
  onBlur: h.onDeactivate,
});

export function SourceNode({ source: s, href, ...h }: { source: ConnectionsSource; href: string } & Hover) {
  return (
    <Link
      href={href}
      prefetch={false}
      className={`${CARD} ${h.dimmed ? "opacity-50" : ""} ${h.className ?? ""}`}
      data-testid="source-node"
      data-id={s.id}
      {...hoverProps(h)}
    >
      <span className="flex items-center gap-2.5">
        <Logo id={s.type} name={s.typeName} />
        <span className="min-w-0 flex-1">
          <span className={`flex items-center gap-1.5 ${h.fixed ? "" : "flex-wrap"}`}>
            <span
              className={`text-sm font-medium text-slate-900 ${h.fixed ? "truncate" : "break-words"}`}
              data-testid="node-name"
            >
              {s.name}
            </span>
            {!s.enabled && <Badge>Disabled</Badge>}
          </span>
          <span className="block truncate text-xs text-slate-500">{s.typeName}</span>
        </span>
      </span>
      <span className="mt-1.5 flex items-baseline gap-1 truncate text-xs text-slate-600">
        <span className="text-sm font-semibold tabular-nums text-slate-900" data-testid="node-volume">
          {formatCount(s.received)}
        </span>
        received
        {s.notDelivered > 0 && (
          <span className="text-red-700">· {formatCount(s.notDelivered)} not delivered</span>
        )}
      </span>
    </Link>
  );
}

export function DestinationNode({
  destination: d,
  href,
  ...h
}: { destination: ConnectionsDestination; href: string } & Hover) {
  return (
    <Link
      href={href}
      prefetch={false}
      className={`${CARD} ${h.dimmed ? "opacity-50" : ""} ${h.className ?? ""}`}
      data-testid="destination-node"
      data-id={d.id}
      data-health={d.state}
      title={d.state !== "healthy" ? (d.reason ?? undefined) : undefined}
      {...hoverProps(h)}
    >
      <span className="flex items-center gap-2.5">
        <Logo id={d.type} name={d.typeName} />
        <span className="min-w-0 flex-1">
          <span className={`flex items-center gap-1.5 ${h.fixed ? "" : "flex-wrap"}`}>
            <span
              className={`text-sm font-medium text-slate-900 ${h.fixed ? "truncate" : "break-words"}`}
              data-testid="node-name"
            >
              {d.name}
            </span>
            {!d.enabled && <Badge>Disabled</Badge>}
          </span>
          <span className="block truncate text-xs text-slate-500">{d.typeName}</span>
        </span>
        <HealthBadge state={d.state} />
      </span>
      <span className="mt-1.5 flex items-baseline gap-1 truncate text-xs text-slate-600">
        <span className="text-sm font-semibold tabular-nums text-slate-900" data-testid="node-volume">
          {formatCount(d.delivered)}
        </span>
        delivered
        {d.notDelivered > 0 && (
          <span className="text-red-700" data-testid="node-not-delivered">
            · {formatCount(d.notDelivered)} not delivered
          </span>
        )}
        {d.retrying > 0 && (
          <span className="text-amber-800" data-testid="node-retrying">
            · {formatCount(d.retrying)} retrying
          </span>
        )}
      </span>
    </Link>
  );
}
