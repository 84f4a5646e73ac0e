import { Badge, EnvironmentBadge, type Tone } from "@/components/ui/badge";
import { ROLE_LABELS, type Role } from "@/lib/rbac/permissions";

const tones: Record<Role, Tone> = { owner: "violet", source_admin: "blue", read_only: "gray" };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={tones[role]}>{ROLE_LABELS[role] ?? role}</Badge>;
}

/** A member's label scope: the labels they are limited to, or "All labels". */
export function ScopeBadges({ labels }: { labels: readonly string[] | null }) {
  if (!labels) return <span className="text-slate-500">All labels</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {labels.map((l) => (
        <EnvironmentBadge key={l} label={l} />
      ))}
    </span>
  );
}
