"use client";

import { useState } from "react";
import { ClassificationBadge } from "@/components/privacy/classification-badge";
import { type PrivacyFieldView, type PrivacyOverview, useClassify } from "@/components/privacy/use-privacy";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/states";
import { Time } from "@/components/ui/time";

// The inbox (detected, not yet classified) and the classified fields share this table: the
// inbox offers "Accept <suggestion>" and a choice; classified rows can be changed or blocked.

const matcherLabel = (data: PrivacyOverview, id: string) =>
  data.builtInMatchers.find((m) => m.id === id)?.label ??
  (id.startsWith("custom:")
    ? (data.matchers.find((m) => `custom:${m.id}` === id)?.name ?? "Custom matcher")
    : id === "manual"
      ? "Added by hand"
      : id);

const when = (ms: number | null) => (ms ? <Time value={ms} mode="relative" /> : "—");

export function FieldsTable({
  data,
  fields,
  inbox,
}: {
  data: PrivacyOverview;
  fields: PrivacyFieldView[];
  inbox: boolean;
}) {
  if (fields.length === 0) {
    return inbox ? (
      <EmptyState title="Nothing new in the inbox">
        Fields that look like personal data (emails, phone numbers, card numbers, names, secrets…) show up
        here as events arrive. Detection looks at a sample of events, so a new field appears within seconds of
        traffic.
      </EmptyState>
    ) : (
      <EmptyState title="No classified fields yet">
        Accept a suggestion in the inbox, or classify a field by hand.
      </EmptyState>
    );
  }
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">Field</th>
            <th className="px-4 py-2 font-medium">Matcher</th>
            <th className="px-4 py-2 font-medium">Sample</th>
            <th className="px-4 py-2 font-medium">Sources</th>
            <th className="px-4 py-2 font-medium">Seen</th>
            <th className="px-4 py-2 font-medium">{inbox ? "Suggested" : "Class"}</th>
            {data.canWrite && <th className="px-4 py-2 font-medium">Action</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {fields.map((f) => (
            <tr key={f.path} data-path={f.path}>
              <td className="px-4 py-2.5 font-mono text-xs text-slate-900">{f.path}</td>
              <td className="px-4 py-2.5 text-slate-600">{matcherLabel(data, f.matcher)}</td>
              <td className="px-4 py-2.5 font-mono text-xs text-slate-600">{f.sample ?? "—"}</td>
              <td className="px-4 py-2.5 text-slate-600">{f.sources.map((s) => s.name).join(", ") || "—"}</td>
              <td className="px-4 py-2.5 text-xs text-slate-500">
                first {when(f.firstSeen)}
                <br />
                last {when(f.lastSeen)}
              </td>
              <td className="px-4 py-2.5">
                <ClassificationBadge value={inbox ? f.suggested : f.classification} />
                {f.blockAtIngest && (
                  <span className="ml-2 text-xs font-medium text-red-700">blocked at ingest</span>
                )}
              </td>
              {data.canWrite && (
                <td className="px-4 py-2.5">
                  <FieldActions field={f} inbox={inbox} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FieldActions({ field, inbox }: { field: PrivacyFieldView; inbox: boolean }) {
  const classify = useClassify();
  const [choice, setChoice] = useState(field.classification ?? field.suggested);
  const save = (classification: string, blockAtIngest = false) =>
    classify.mutate({ path: field.path, classification: classification as "red", blockAtIngest });
  return (
    <div className="flex flex-wrap items-center gap-2">
      {inbox && (
        <Button
          size="sm"
          onClick={() => save(field.suggested)}
          disabled={classify.isPending}
          aria-label={`Accept ${field.suggested} for ${field.path}`}
        >
          Accept {field.suggested}
        </Button>
      )}
      <label className="sr-only" htmlFor={`class-${field.path}`}>
        Class for {field.path}
      </label>
      <select
        id={`class-${field.path}`}
        value={choice}
        onChange={(e) => setChoice(e.target.value)}
        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
      >
        <option value="red">Red</option>
        <option value="yellow">Yellow</option>
        <option value="green">Green</option>
      </select>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => save(choice, choice === "red" && field.blockAtIngest)}
        disabled={classify.isPending}
      >
        {inbox ? "Classify" : "Save"}
      </Button>
      {!inbox && field.classification === "red" && (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => save("red", !field.blockAtIngest)}
          disabled={classify.isPending}
        >
          {field.blockAtIngest ? "Unblock at ingest" : "Block at ingest"}
        </Button>
      )}
      {classify.error && (
        <p role="alert" className="w-full text-xs text-red-700">
          {(classify.error as Error).message}
        </p>
      )}
    </div>
  );
}
