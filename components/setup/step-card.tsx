import type { ReactNode } from "react";

/** One checklist item: a tick (or its number) and a heading, then the step's content. */
export function StepCard({
  id,
  number,
  title,
  done,
  children,
}: {
  id: string;
  number: number;
  title: string;
  done: boolean;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`step-${id}-title`}
      data-testid={`step-${id}`}
      data-done={done}
      className="rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <header className="flex items-center gap-3 border-b border-slate-100 px-5 py-3">
        <span
          aria-hidden
          className={`flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
            done ? "bg-emerald-600 text-white" : "bg-slate-100 text-slate-600 ring-1 ring-slate-300"
          }`}
        >
          {done ? "✓" : number}
        </span>
        <h2 id={`step-${id}-title`} className="flex-1 text-sm font-semibold text-slate-900">
          {title}
        </h2>
        <span className={`text-xs font-medium ${done ? "text-emerald-700" : "text-slate-500"}`}>
          {done ? "Done" : "To do"}
        </span>
      </header>
      <div className="space-y-4 p-5 text-sm">{children}</div>
    </section>
  );
}

export function Note({ children }: { children: ReactNode }) {
  return <p className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600">{children}</p>;
}
