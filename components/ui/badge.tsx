import type { ReactNode } from "react";

const tones = {
  gray: "bg-slate-100 text-slate-700 ring-slate-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  blue: "bg-brand-50 text-brand-700 ring-brand-100",
  violet: "bg-violet-50 text-violet-700 ring-violet-200",
};
export type Tone = keyof typeof tones;

export function Badge({ tone = "gray", children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}
    >
      {children}
    </span>
  );
}

/** Environment labels get stable colours: prod stands out, dev is calm, custom labels are violet. */
export function EnvironmentBadge({ label }: { label: string }) {
  const tone: Tone =
    label === "prod" ? "red" : label === "dev" ? "blue" : label === "staging" ? "amber" : "violet";
  return <Badge tone={tone}>{label}</Badge>;
}
