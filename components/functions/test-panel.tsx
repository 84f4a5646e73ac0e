"use client";

import { useState } from "react";
import {
  type FunctionDetail,
  type TestResult,
  useSampleEvents,
  useTestFunction,
} from "@/components/functions/use-functions";
import { useSources } from "@/components/sources/use-sources";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ScrollablePre } from "@/components/ui/scrollable-pre";
import { Card, ErrorState } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { SettingDecl } from "@/lib/functions/schema";

// Runs the code in the editor (saved or not) once, in its own sandbox, against a sample: an event
// picked from a source's recent debugger events or pasted, or a sample webhook request for source
// functions. Shows what came out, the fetch calls made, the logs and the error.

const SAMPLE_EVENT = JSON.stringify(
  {
    type: "track",
    event: "Order Completed",
    userId: "user_1",
    properties: { total: 42, email: "ada@example.com" },
  },
  null,
  2,
);
const SAMPLE_REQUEST = JSON.stringify(
  {
    type: "invoice.paid",
    data: { object: { id: "in_1", customer: "cus_123", amount_paid: 4200, currency: "usd" } },
  },
  null,
  2,
);

const area = "w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs";

export function TestPanel({ fn, code, decls }: { fn: FunctionDetail; code: string; decls: SettingDecl[] }) {
  const test = useTestFunction(fn.id);
  const isSource = fn.kind === "source";
  const [payload, setPayload] = useState(isSource ? SAMPLE_REQUEST : SAMPLE_EVENT);
  const [headers, setHeaders] = useState("Content-Type: application/json");
  const [values, setValues] = useState<Record<string, string>>({});
  const [parseError, setParseError] = useState<string | null>(null);

  const run = () => {
    setParseError(null);
    const settings: Record<string, unknown> = {};
    for (const d of decls) {
      const v = values[d.name];
      if (v === undefined || v === "") continue;
      settings[d.name] = d.type === "number" ? Number(v) : d.type === "boolean" ? v === "true" : v;
    }
    if (isSource) {
      const h: Record<string, string> = {};
      for (const line of headers.split("\n")) {
        const i = line.indexOf(":");
        if (i > 0) h[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      test.mutate({ code, settings, request: { method: "POST", headers: h, body: payload } });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (e) {
      setParseError(`The sample is not valid JSON: ${(e as Error).message}`);
      return;
    }
    if (Array.isArray(parsed)) test.mutate({ code, settings, events: parsed as Record<string, unknown>[] });
    else test.mutate({ code, settings, event: parsed as Record<string, unknown> });
  };

  return (
    <Card title="Test">
      <div className="space-y-4">
        {isSource ? (
          <>
            <label className="block text-sm font-medium text-slate-700" htmlFor="test-headers">
              Request headers <span className="font-normal text-slate-500">(one per line)</span>
            </label>
            <textarea
              id="test-headers"
              rows={2}
              className={area}
              value={headers}
              onChange={(e) => setHeaders(e.target.value)}
            />
            <label className="block text-sm font-medium text-slate-700" htmlFor="test-payload">
              Request body
            </label>
          </>
        ) : (
          <>
            <SamplePicker onPick={(m) => setPayload(JSON.stringify(m, null, 2))} />
            <label className="block text-sm font-medium text-slate-700" htmlFor="test-payload">
              Event <span className="font-normal text-slate-500">(a JSON array runs onBatch)</span>
            </label>
          </>
        )}
        <textarea
          id="test-payload"
          rows={10}
          className={area}
          value={payload}
          onChange={(e) => setPayload(e.target.value)}
        />
        {decls.length > 0 && (
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">Settings for this test</legend>
            {decls.map((d) => (
              <label key={d.name} className="flex items-center gap-2 text-sm">
                <span className="w-40 shrink-0 truncate text-slate-600" title={d.name}>
                  {d.label || d.name}
                  {d.required && " *"}
                </span>
                <input
                  type={d.secret ? "password" : "text"}
                  aria-label={`Test value for ${d.name}`}
                  className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
                  value={values[d.name] ?? ""}
                  onChange={(e) => setValues({ ...values, [d.name]: e.target.value })}
                />
              </label>
            ))}
          </fieldset>
        )}
        <Button onClick={run} pending={test.isPending}>
          Run test
        </Button>
        {parseError && <ErrorState error={new Error(parseError)} />}
        {test.error && <ErrorState error={test.error} />}
        {test.data && <ResultView result={test.data} kind={fn.kind} />}
      </div>
    </Card>
  );
}

function SamplePicker({ onPick }: { onPick: (message: Record<string, unknown>) => void }) {
  const sources = useSources();
  const [sourceId, setSourceId] = useState<string | null>(null);
  const events = useSampleEvents(sourceId);
  return (
    <div className="space-y-2">
      <label className="block text-sm font-medium text-slate-700" htmlFor="sample-source">
        Sample from a source&apos;s recent events
      </label>
      <select
        id="sample-source"
        className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        value={sourceId ?? ""}
        onChange={(e) => setSourceId(e.target.value || null)}
      >
        <option value="">Choose a source…</option>
        {sources.data?.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({s.environment})
          </option>
        ))}
      </select>
      {sourceId && events.isPending && <p className="text-xs text-slate-500">Loading recent events…</p>}
      {events.data?.length === 0 && <p className="text-xs text-slate-500">No events received yet.</p>}
      {events.data && events.data.length > 0 && (
        <ul className="max-h-40 divide-y divide-slate-100 overflow-auto rounded-md border border-slate-200 text-xs">
          {events.data.map((e) => (
            <li key={e.seq}>
              <button
                type="button"
                className="w-full px-3 py-1.5 text-left hover:bg-slate-50"
                onClick={() => onPick(e.message)}
              >
                <span className="font-medium">{e.type}</span> {e.event ?? ""}{" "}
                <Time value={e.receivedAt} mode="relative" className="text-slate-500" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const OUTCOME_TONES: Record<string, Tone> = {
  ok: "green",
  drop: "gray",
  unsupported: "gray",
  retry: "amber",
  network: "amber",
  unavailable: "amber",
};

export function ResultView({ result, kind }: { result: TestResult; kind: string }) {
  return (
    <div className="space-y-3 border-t border-slate-100 pt-3 text-sm" data-testid="test-result">
      <p className="flex items-center gap-2">
        <Badge tone={OUTCOME_TONES[result.outcome] ?? "red"}>{result.outcome}</Badge>
        <span className="text-xs text-slate-500">
          {result.cpuMs?.toFixed?.(1) ?? 0} ms CPU · {result.durationMs ?? 0} ms total
        </span>
      </p>
      {result.outcome !== "ok" && result.message && (
        <div role="alert" className="rounded-md bg-red-50 p-3 text-red-800">
          <p className="font-medium">
            {result.errorName ?? "Error"}: {result.message}
          </p>
          {result.stack && (
            <ScrollablePre className="mt-1 overflow-auto text-xs">{result.stack}</ScrollablePre>
          )}
        </div>
      )}
      {kind === "insert" && result.output !== null && result.output !== undefined && (
        <Block title="Output event" body={JSON.stringify(result.output, null, 2)} />
      )}
      {kind === "source" && (
        <Block
          title={`Segment calls (${result.emitted.length})`}
          body={result.emitted.length ? JSON.stringify(result.emitted, null, 2) : "None"}
        />
      )}
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">
          fetch calls ({result.fetches.length})
        </h3>
        {result.fetches.length === 0 ? (
          <p className="text-xs text-slate-500">None</p>
        ) : (
          <ul className="space-y-1 text-xs">
            {result.fetches.map((f, i) => (
              <li key={i} className="rounded bg-slate-50 px-2 py-1 font-mono">
                {f.method} {f.url} → {f.status ?? f.error} ({f.durationMs} ms)
              </li>
            ))}
          </ul>
        )}
      </div>
      <Block
        title={`Logs (${result.logs.length})`}
        body={result.logs.map((l) => `[${l.level}] ${l.message}`).join("\n") || "None"}
      />
    </div>
  );
}

function Block({ title, body }: { title: string; body: string }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">{title}</h3>
      <ScrollablePre className="max-h-64 overflow-auto rounded-md bg-code p-3 text-xs text-code-foreground">
        {body}
      </ScrollablePre>
    </div>
  );
}
