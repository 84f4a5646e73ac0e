import type { ReactNode } from "react";
import { ReadOnlyNotice } from "@/components/setup/read-only-notice";

const STAGES = ["Business goal", "Use case", "Dev and prod", "Setup checklist"] as const;

/** The frame of the three choice screens: which stage of four this is, a title, the content. */
export function WizardFrame({
  stage,
  title,
  description,
  canEdit,
  children,
}: {
  stage: 0 | 1 | 2;
  title: string;
  description?: ReactNode;
  canEdit: boolean;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-4xl">
      <ol aria-label="Guided setup stages" className="mb-6 flex flex-wrap gap-2 text-xs">
        {STAGES.map((name, i) => (
          <li
            key={name}
            aria-current={i === stage ? "step" : undefined}
            className={`rounded-full px-3 py-1 ring-1 ring-inset ${
              i === stage
                ? "bg-brand-600 font-medium text-white ring-brand-600"
                : i < stage
                  ? "bg-brand-50 text-brand-700 ring-brand-100"
                  : "bg-white text-slate-500 ring-slate-200"
            }`}
          >
            {i + 1}. {name}
          </li>
        ))}
      </ol>
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      {description && <div className="mt-1 text-sm text-slate-600">{description}</div>}
      {!canEdit && (
        <div className="mt-4">
          <ReadOnlyNotice />
        </div>
      )}
      <div className="mt-6">{children}</div>
    </div>
  );
}
