"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { countText, idOf } from "@/components/setup/format";
import { Note, StepCard } from "@/components/setup/step-card";
import { Time } from "@/components/ui/time";
import type { Env, Progress } from "@/lib/use-cases/types";

/**
 * Verify data: one row per suggested event with a tick once it has been received on a source of
 * this environment. Rows update live from the setup stream; the debugger is one click away.
 */
export function VerifyStep({
  env,
  number,
  progress,
  verifiedAt,
}: {
  env: Env;
  number: number;
  progress: Progress;
  verifiedAt: string | null;
}) {
  const ws = useWorkspace();
  const sources = progress.sources[env];
  const done = env === "dev" ? progress.devVerified : progress.prodVerified;
  const debuggerOf = (id: string) => `/${ws.slug}/sources/${id}/debugger`;
  return (
    <StepCard id={`${env}-verify`} number={number} title={`Verify ${env} data`} done={done}>
      <p className="text-slate-600">
        {env === "dev"
          ? "Send each suggested event from your development build (each source's page has its install snippet and write key). This step completes itself when every one has arrived on a dev source."
          : "Deploy your tracking with the prod write key. This step completes when a suggested event arrives on a prod source."}
      </p>
      {!sources.length && <Note>No {env} source yet: events are counted once one is connected.</Note>}
      <ul aria-live="polite" className="divide-y divide-slate-100 rounded-md border border-slate-200">
        {progress.events.map((e) => {
          const arrival = e[env];
          return (
            <li
              key={e.event}
              data-testid={`verify-${env}-${idOf(e.event)}`}
              data-received={arrival !== null}
              className="flex flex-wrap items-center gap-3 px-4 py-2"
            >
              <span
                aria-hidden
                className={`flex size-5 items-center justify-center rounded-full text-xs ${
                  arrival ? "bg-emerald-600 text-white" : "bg-white ring-1 ring-slate-300"
                }`}
              >
                {arrival ? "✓" : ""}
              </span>
              <span className="font-medium text-slate-900">{e.event}</span>
              <span className="text-xs text-slate-500">
                {arrival ? (
                  <>
                    Received {countText(arrival.count)}× · last{" "}
                    <Time value={arrival.lastAt} mode="relative" />
                  </>
                ) : (
                  "Waiting for the first one"
                )}
                <span className="sr-only">{arrival ? " (received)" : " (not received yet)"}</span>
              </span>
              {(arrival || sources[0]) && (
                <Link
                  href={debuggerOf(arrival?.sourceId ?? sources[0]!.id)}
                  className="ml-auto text-xs font-medium text-brand-700 hover:underline"
                >
                  Debugger
                </Link>
              )}
              {e.nearMiss[env] && (
                <p
                  className="basis-full pl-8 text-xs text-amber-800"
                  data-testid={`near-miss-${env}-${idOf(e.event)}`}
                >
                  Received <code className="rounded bg-amber-50 px-1">{e.nearMiss[env]}</code>. Did you mean{" "}
                  <strong>{e.event}</strong>? Event names must match exactly, including case and spaces.
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {progress.events.some((e) => e.event === "Page Viewed" || e.event === "Screen Viewed") && (
        <Note>
          Page Viewed is also ticked by <code>analytics.page()</code> calls and Screen Viewed by{" "}
          <code>screen()</code> calls, the Spec&apos;s way of recording views.
        </Note>
      )}
      {verifiedAt && (
        <Note>
          Verified <Time value={verifiedAt} />.
        </Note>
      )}
    </StepCard>
  );
}
