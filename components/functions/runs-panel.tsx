"use client";

import { OUTCOME_TONES } from "@/components/functions/test-panel";
import { useFunctionRuns } from "@/components/functions/use-functions";
import { Badge } from "@/components/ui/badge";
import { ScrollablePre } from "@/components/ui/scrollable-pre";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";

/** Recent invocations of the deployed instances: every failure, a sample of successes, with logs. */
export function RunsPanel({ fnId }: { fnId: string }) {
  const { data, error, isPending, refetch } = useFunctionRuns(fnId);
  return (
    <Card title="Recent runs">
      {isPending ? (
        <Spinner label="Loading runs" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : data.length === 0 ? (
        <p className="text-sm text-slate-600">
          No runs yet. Failures and a sample of successful runs appear here with their logs.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {data.map((r) => (
            <li key={r.id} className="py-2">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-2">
                  <Badge tone={OUTCOME_TONES[r.outcome] ?? "red"}>{r.outcome}</Badge>
                  <span className="text-slate-800">{r.message ?? "Finished"}</span>
                  <span className="ml-auto text-xs text-slate-500">
                    v{r.version} · {r.durationMs} ms · <Time value={r.at} seconds />
                  </span>
                </summary>
                <div className="mt-2 grid gap-2 md:grid-cols-2">
                  <ScrollablePre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 text-xs">
                    {r.input ?? ""}
                  </ScrollablePre>
                  <ScrollablePre className="max-h-48 overflow-auto rounded bg-code p-2 text-xs text-code-foreground">
                    {r.logs.length ? r.logs.map((l) => `[${l.level}] ${l.message}`).join("\n") : "No logs"}
                  </ScrollablePre>
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
