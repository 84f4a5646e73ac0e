"use client";

import { useId, useState } from "react";
import { ScrollablePre } from "@/components/ui/scrollable-pre";
import { Card } from "@/components/ui/states";
import type { FilterView } from "@/lib/destinations/filters";
import { applyFilters, type FilterOutcome } from "@/lib/filters/apply";

// Runs the saved filters on a pasted event in the browser, with the same code routing uses, so
// a filter can be checked before events flow.

const SAMPLE = JSON.stringify(
  {
    type: "track",
    event: "Order Completed",
    messageId: "test-message-1",
    userId: "user-42",
    properties: { total: 120, currency: "USD", email: "ada@example.com" },
    context: { library: { name: "analytics.js" }, ip: "203.0.113.7" },
  },
  null,
  2,
);

type Result = { kind: "invalid"; message: string } | FilterOutcome;

function run(text: string, filters: FilterView[]): Result {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (e) {
    return { kind: "invalid", message: `Not valid JSON: ${(e as Error).message}` };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message))
    return { kind: "invalid", message: "Paste one event: a JSON object" };
  return applyFilters(message as Record<string, unknown>, filters);
}

export function FilterTester({ filters }: { filters: FilterView[] }) {
  const id = useId();
  const [text, setText] = useState(SAMPLE);
  const result = run(text, filters);

  return (
    <Card title="Test against a sample event">
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        Event JSON
      </label>
      <textarea
        id={id}
        rows={10}
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={`${id}-result`}
        className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs shadow-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500"
      />
      <div id={`${id}-result`} aria-live="polite" className="mt-3 text-sm">
        {result.kind === "invalid" && <p className="text-red-600">{result.message}</p>}
        {result.kind === "filtered" && (
          <p className="font-medium text-amber-800" data-testid="tester-result">
            Filtered: {result.reason}
          </p>
        )}
        {result.kind === "kept" && (
          <>
            <p className="font-medium text-emerald-700" data-testid="tester-result">
              Kept
              {result.applied.length
                ? ` (changed by ${result.applied.map((a) => a.filterName).join(", ")})`
                : ": no filter matched"}
            </p>
            {result.applied.length > 0 && (
              <ScrollablePre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs">
                {JSON.stringify(result.message, null, 2)}
              </ScrollablePre>
            )}
          </>
        )}
      </div>
      <p className="mt-2 text-xs text-slate-500">Uses the saved filters, including their enabled state.</p>
    </Card>
  );
}
