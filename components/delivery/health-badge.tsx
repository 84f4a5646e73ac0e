import { formatTime } from "@/components/delivery/format";
import { Badge, type Tone } from "@/components/ui/badge";
import type { DeliveryControlView } from "@/lib/metrics/types";

const TONES: Record<string, Tone> = { healthy: "green", degraded: "amber", failing: "red" };

export function HealthBadge({ state }: { state: string }) {
  return <Badge tone={TONES[state] ?? "gray"}>{state}</Badge>;
}

/** "paused" and the circuit breaker's state, beside the health badge. */
export function ControlBadges({ control }: { control: DeliveryControlView }) {
  return (
    <>
      {control.paused && (
        <span className="ml-1" data-testid="badge-paused">
          <Badge tone="violet">paused</Badge>
        </span>
      )}
      {control.breaker !== "closed" && (
        <span
          className="ml-1"
          data-testid="badge-breaker"
          title={
            control.nextProbeAt
              ? `Sending one message at a time; next probe ${formatTime(control.nextProbeAt)}`
              : undefined
          }
        >
          <Badge tone="amber">{control.breaker === "open" ? "slowed: circuit open" : "probing"}</Badge>
        </span>
      )}
    </>
  );
}
