"use client";

import { type FormEvent, useState } from "react";
import { ClassificationBadge } from "@/components/privacy/classification-badge";
import {
  type PrivacyOverview,
  useCreateMatcher,
  useDeleteMatcher,
  useToggleMatcher,
} from "@/components/privacy/use-privacy";
import { Button } from "@/components/ui/button";
import { NameField } from "@/components/ui/name-field";
import { Card } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";

// Built-in matchers (read-only list) and the workspace's own: glob patterns over key names and values.

const split = (s: string) =>
  s
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);

export function MatchersPanel({ data }: { data: PrivacyOverview }) {
  const toggle = useToggleMatcher();
  const remove = useDeleteMatcher();
  return (
    <div className="space-y-6">
      <Card title="Built-in matchers">
        <ul className="grid gap-2 text-sm sm:grid-cols-2">
          {data.builtInMatchers.map((m) => (
            <li
              key={m.id}
              className="flex items-center justify-between rounded-md border border-slate-100 px-3 py-2"
            >
              <span>{m.label}</span>
              <ClassificationBadge value={m.suggested} />
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Custom matchers">
        {data.matchers.length === 0 ? (
          <p className="text-sm text-slate-600">None yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.matchers.map((m) => (
              <li key={m.id} className="flex flex-wrap items-center gap-3 py-2.5">
                <span className="font-medium">{m.name}</span>
                <ClassificationBadge value={m.suggested} />
                <span className="font-mono text-xs text-slate-600">
                  {m.keyPatterns.length > 0 && `keys: ${m.keyPatterns.join(", ")}`}
                  {m.keyPatterns.length > 0 && m.valuePatterns.length > 0 && " · "}
                  {m.valuePatterns.length > 0 && `values: ${m.valuePatterns.join(", ")}`}
                </span>
                {data.canWrite && (
                  <span className="ml-auto flex gap-2">
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => toggle.mutate({ id: m.id, enabled: !m.enabled })}
                    >
                      {m.enabled ? "Turn off" : "Turn on"}
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => remove.mutate({ id: m.id })}>
                      Delete
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        {data.canWrite && <NewMatcher />}
      </Card>
    </div>
  );
}

function NewMatcher() {
  const create = useCreateMatcher();
  const [name, setName] = useState("");
  const [keys, setKeys] = useState("");
  const [values, setValues] = useState("");
  const [suggested, setSuggested] = useState<"red" | "yellow" | "green">("yellow");
  const error = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name, keyPatterns: split(keys), valuePatterns: split(values), suggested },
      {
        onSuccess: () => {
          setName("");
          setKeys("");
          setValues("");
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="mt-4 grid gap-3 border-t border-slate-100 pt-4 sm:grid-cols-2">
      <NameField
        kind="matcher"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={error?.field("name")}
      />
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600">Suggested class</span>
        <select
          value={suggested}
          onChange={(e) => setSuggested(e.target.value as "red")}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5"
        >
          <option value="red">Red</option>
          <option value="yellow">Yellow</option>
          <option value="green">Green</option>
        </select>
      </label>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600">
          Key patterns (glob, comma-separated, e.g. *_acct, tax_id)
        </span>
        <input
          value={keys}
          onChange={(e) => setKeys(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono"
        />
      </label>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600">
          Value patterns (glob, e.g. ACCT-[0-9]*)
        </span>
        <input
          value={values}
          onChange={(e) => setValues(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono"
        />
      </label>
      <div className="sm:col-span-2">
        <Button type="submit" size="sm" disabled={create.isPending}>
          Add matcher
        </Button>
        {error && !(error.fields.length > 0 && error.fields.every((f) => f.path === "name")) && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {error.fields
              .filter((f) => f.path !== "name")
              .map((f) => `${f.path}: ${f.message}`)
              .join("; ") || error.message}
          </p>
        )}
      </div>
    </form>
  );
}
