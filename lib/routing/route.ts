import type { ErrorType } from "@/lib/delivery/errors";
import { type Message, ROUTE_STEPS, type RouteContext, type RouteTarget } from "@/lib/routing/steps";

// The routing decision for one accepted message and one enabled destination connected to its
// source: the steps of lib/routing/steps.ts, in their order, until one stops the message.

export type { RouteTarget } from "@/lib/routing/steps";

export type RouteDecision =
  /**
   * payload: the message as the steps left it, or null when they left it unchanged.
   * privacyRemoved: the fields the privacy step removed (empty when none).
   */
  | { kind: "deliver"; payload: string | null; message: Message; privacyRemoved: string[] }
  /** `step`: the id of the step that stopped it. */
  | { kind: "filtered" | "unsupported"; errorType: ErrorType; reason: string; step: string };

const NONE: string[] = [];

export function routeMessage(
  message: Message,
  target: RouteTarget,
  ctx: RouteContext = { sourceId: "" },
): RouteDecision {
  let current = message;
  let removed = NONE;
  for (const step of ROUTE_STEPS) {
    const result = step.run(current, target, ctx);
    if (!result.continue) {
      return { kind: step.outcome, errorType: step.errorType, reason: result.reason, step: step.id };
    }
    current = result.message;
    if (result.removed) removed = result.removed;
  }
  return {
    kind: "deliver",
    payload: current === message ? null : JSON.stringify(current),
    message: current,
    privacyRemoved: removed,
  };
}
