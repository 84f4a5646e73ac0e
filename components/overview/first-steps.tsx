import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import type { ConnectionsView } from "@/lib/metrics/connections";

// What a workspace without data needs next: three steps, each ticked once done, and guided setup
// (app/(console)/[workspace]/setup) offered as the way to do all three with a checklist.

interface Step {
  title: string;
  done: boolean;
  detail: string;
  href?: string;
  action: string;
}

export function FirstSteps({
  view,
  base,
  canAdd,
}: {
  view: ConnectionsView;
  base: string;
  canAdd: { source: boolean; destination: boolean };
}) {
  const firstSource = view.sources[0];
  const steps: Step[] = [
    {
      title: "Add a source",
      done: view.firstSteps.source,
      detail: "A website, an app or a server that sends events, each with its own write key.",
      href: canAdd.source ? `${base}/sources/new` : undefined,
      action: "Add source",
    },
    {
      title: "Send an event",
      done: view.firstSteps.event,
      detail: "Install the snippet shown on the source's page and see the event arrive in its debugger.",
      href: firstSource ? `${base}/sources/${firstSource.id}` : undefined,
      action: "Open the source",
    },
    {
      title: "Add a destination",
      done: view.firstSteps.destination,
      detail: "Where the events go: an analytics tool, a warehouse or a webhook of your own.",
      href: canAdd.destination ? `${base}/destinations/new` : undefined,
      action: "Add destination",
    },
  ];
  const done = steps.filter((s) => s.done).length;
  return (
    <section
      className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
      aria-labelledby="first-steps-title"
      data-testid="first-steps"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="first-steps-title" className="text-base font-semibold text-slate-900">
            First steps
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {done} of 3 done. Guided setup walks you through all three for your use case, with a checklist.
          </p>
        </div>
        <Link href={`${base}/setup`} className={buttonClass("primary")}>
          Start guided setup
        </Link>
      </div>
      <ol className="mt-4 grid gap-3 md:grid-cols-3">
        {steps.map((s, i) => (
          <li
            key={s.title}
            className={`rounded-md border p-4 ${s.done ? "border-emerald-200 bg-emerald-50" : "border-slate-200"}`}
            data-testid="first-step"
            data-done={s.done}
          >
            <p className="flex items-center gap-2 text-sm font-medium text-slate-900">
              <span
                className={`inline-flex size-6 shrink-0 items-center justify-center rounded-full text-xs ${
                  s.done ? "bg-emerald-600 text-white" : "bg-slate-100 text-slate-700"
                }`}
                aria-hidden="true"
              >
                {s.done ? "✓" : i + 1}
              </span>
              {s.title}
              <span className="sr-only">{s.done ? "(done)" : "(not done yet)"}</span>
            </p>
            <p className="mt-1 text-sm text-slate-600">{s.detail}</p>
            {!s.done && s.href && (
              <Link
                href={s.href}
                className="mt-2 inline-block text-sm font-medium text-brand-700 hover:underline"
              >
                {s.action}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
