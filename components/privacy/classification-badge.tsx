import { Badge, type Tone } from "@/components/ui/badge";

const TONE: Record<string, Tone> = { red: "red", yellow: "amber", green: "green" };
const LABEL: Record<string, string> = { red: "Red", yellow: "Yellow", green: "Green" };

export function ClassificationBadge({ value }: { value: string | null }) {
  if (!value) return <Badge>Unclassified</Badge>;
  return <Badge tone={TONE[value] ?? "gray"}>{LABEL[value] ?? value}</Badge>;
}
