import { DestinationNode, SourceNode } from "@/components/overview/nodes";
import { EnvironmentBadge } from "@/components/ui/badge";
import type { ConnectionsView } from "@/lib/metrics/connections";

// The narrow-screen Connections overview (below 1024 px): the same information as the map, as a
// list of sources per environment, each followed by the destinations it sends to.

export function ConnectionsList({ view, base }: { view: ConnectionsView; base: string }) {
  const destinations = new Map(view.destinations.map((d) => [d.id, d]));
  const environments = [...new Set(view.sources.map((s) => s.environment))];
  const unconnected = view.destinations.filter(
    (d) => !view.connections.some((c) => c.destinationId === d.id),
  );
  return (
    <div className="space-y-5" data-testid="connections-list">
      {environments.map((env) => (
        <section key={env} aria-label={`${env} sources`}>
          <h3 className="mb-2">
            <EnvironmentBadge label={env} />
          </h3>
          <ul className="space-y-3">
            {view.sources
              .filter((s) => s.environment === env)
              .map((s) => {
                const targets = view.connections
                  .filter((c) => c.sourceId === s.id)
                  .flatMap((c) => destinations.get(c.destinationId) ?? []);
                return (
                  <li key={s.id}>
                    <SourceNode source={s} href={`${base}/sources/${s.id}`} />
                    <ul
                      className="ml-4 mt-2 space-y-2 border-l-2 border-slate-200 pl-3"
                      aria-label={`Destinations of ${s.name}`}
                    >
                      {targets.map((d) => (
                        <li key={d.id}>
                          <DestinationNode destination={d} href={`${base}/destinations/${d.id}`} />
                        </li>
                      ))}
                      {targets.length === 0 && (
                        <li className="text-xs text-slate-500">Not sending to any destination.</li>
                      )}
                    </ul>
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
      {unconnected.length > 0 && (
        <section aria-label="Destinations not connected">
          <h3 className="mb-2 text-xs font-medium uppercase text-slate-500">Not connected</h3>
          <ul className="space-y-2">
            {unconnected.map((d) => (
              <li key={d.id}>
                <DestinationNode destination={d} href={`${base}/destinations/${d.id}`} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
