import { Badge, type Tone } from "@/components/ui/badge";

const TONES: Record<string, Tone> = { healthy: "green", degraded: "amber", failing: "red" };

export function HealthBadge({ state }: { state: string }) {
  return <Badge tone={TONES[state] ?? "gray"}>{state}</Badge>;
}
