"use client";

import { useState } from "react";
import {
  type PrivacyOverview,
  useDestinationPrivacy,
  useSourceConsent,
} from "@/components/privacy/use-privacy";
import { Button } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/states";
import { POLICY_LABELS, type Policy } from "@/lib/privacy/policy";

// What each destination may receive and which consent categories it needs; per source, what
// happens to events that carry no consent preferences.

type Destination = PrivacyOverview["destinations"][number];

export function DestinationsPanel({ data }: { data: PrivacyOverview }) {
  return (
    <div className="space-y-6">
      <Card title="Destinations">
        {data.destinations.length === 0 ? (
          <EmptyState title="No destinations yet">
            Add a destination to choose what personal data it may receive.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {data.destinations.map((d) => (
              <DestinationRow key={d.id} destination={d} canWrite={data.canWrite} />
            ))}
          </ul>
        )}
      </Card>
      <Card title="Events without consent preferences">
        <p className="mb-3 text-sm text-slate-600">
          For destinations mapped to consent categories: deliver events that carry no{" "}
          <code className="text-xs">context.consent.categoryPreferences</code>, or hold them back.
        </p>
        <ul className="divide-y divide-slate-100">
          {data.sources.map((s) => (
            <SourceRow key={s.id} source={s} canWrite={data.canWrite} />
          ))}
        </ul>
      </Card>
    </div>
  );
}

function DestinationRow({ destination: d, canWrite }: { destination: Destination; canWrite: boolean }) {
  const save = useDestinationPrivacy();
  const [policy, setPolicy] = useState<Policy>(d.policy as Policy);
  const [categories, setCategories] = useState(d.consentCategories.join(", "));
  const list = categories
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  const dirty = policy !== d.policy || list.join(",") !== d.consentCategories.join(",");
  return (
    <li className="flex flex-wrap items-end gap-4 py-3" data-destination={d.name}>
      <div className="min-w-48 flex-1">
        <p className="font-medium text-slate-900">{d.name}</p>
        <p className="text-xs text-slate-500">
          {d.type}
          {d.enabled ? "" : " · disabled"}
        </p>
      </div>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600">May receive</span>
        <select
          aria-label={`Policy for ${d.name}`}
          value={policy}
          disabled={!canWrite}
          onChange={(e) => setPolicy(e.target.value as Policy)}
          className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        >
          {(Object.keys(POLICY_LABELS) as Policy[]).map((p) => (
            <option key={p} value={p}>
              {POLICY_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600">Consent categories (comma-separated)</span>
        <input
          aria-label={`Consent categories for ${d.name}`}
          value={categories}
          disabled={!canWrite}
          placeholder="e.g. Advertising, Analytics"
          onChange={(e) => setCategories(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm sm:w-64"
        />
      </label>
      {canWrite && (
        <Button
          size="sm"
          disabled={!dirty || save.isPending}
          onClick={() => save.mutate({ id: d.id, policy, consentCategories: list })}
        >
          {save.isPending ? "Saving…" : "Save"}
        </Button>
      )}
      {save.error && (
        <p role="alert" className="w-full text-xs text-red-700">
          {(save.error as Error).message}
        </p>
      )}
    </li>
  );
}

function SourceRow({ source, canWrite }: { source: PrivacyOverview["sources"][number]; canWrite: boolean }) {
  const save = useSourceConsent();
  return (
    <li className="flex items-center justify-between gap-4 py-2.5">
      <span className="text-sm font-medium text-slate-900">{source.name}</span>
      <select
        aria-label={`Without consent preferences, ${source.name}`}
        value={source.withoutConsent}
        disabled={!canWrite || save.isPending}
        onChange={(e) => save.mutate({ id: source.id, withoutConsent: e.target.value as "deliver" | "hold" })}
        className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
      >
        <option value="deliver">Deliver</option>
        <option value="hold">Hold back</option>
      </select>
    </li>
  );
}
