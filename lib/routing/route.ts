import type { ErrorType } from "@/lib/delivery/errors";
import { applyFilters, type FilterDefinition } from "@/lib/filters/apply";
import { integrationsDecision } from "@/lib/routing/integrations";

// The routing decision for one accepted message and one enabled destination connected to its
// source, in Segment's order: the integrations object, then the destination's filters (sample,
// drop, drop properties, allow properties), then the call types the destination supports.

export interface RouteTarget {
  id: string;
  /** Catalog name of the type ("Webhook") and the instance name, for the integrations object. */
  catalogName: string;
  name: string;
  supportedTypes: ReadonlySet<string>;
  filters: readonly FilterDefinition[];
}

export type RouteDecision =
  /** payload: the message as the filters left it, or null when they left it unchanged. */
  | { kind: "deliver"; payload: string | null; message: Record<string, unknown> }
  | { kind: "filtered"; errorType: ErrorType; reason: string }
  | { kind: "unsupported"; errorType: ErrorType; reason: string };

export function routeMessage(message: Record<string, unknown>, target: RouteTarget): RouteDecision {
  const integrations = integrationsDecision(message.integrations, {
    catalogName: target.catalogName,
    instanceName: target.name,
  });
  if (!integrations.enabled)
    return { kind: "filtered", errorType: "integrations_disabled", reason: integrations.reason };
  let kept = message;
  if (target.filters.length > 0) {
    const outcome = applyFilters(message, target.filters);
    if (outcome.kind === "filtered")
      return { kind: "filtered", errorType: "destination_filter", reason: outcome.reason };
    kept = outcome.message;
  }
  const type = typeof kept.type === "string" ? kept.type : "";
  if (!target.supportedTypes.has(type))
    return {
      kind: "unsupported",
      errorType: "unsupported_type",
      reason: `${target.catalogName} does not accept ${type || "untyped"} calls`,
    };
  return { kind: "deliver", payload: kept === message ? null : JSON.stringify(kept), message: kept };
}
