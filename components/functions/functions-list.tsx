"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useCreateFunction, useFunctions } from "@/components/functions/use-functions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { NameField } from "@/components/ui/name-field";
import { Card, EmptyState, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import { ApiError } from "@/lib/api/client";
import type { FunctionKind } from "@/lib/functions/sandbox/types";
import { TEMPLATES } from "@/lib/functions/templates";

// The radios are visually hidden, so the card they sit in shows the keyboard focus for them.
const FOCUS_WITHIN =
  "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-500";

export const KIND_LABELS: Record<FunctionKind, string> = {
  source: "Source function",
  destination: "Destination function",
  insert: "Insert function",
};
const KIND_TONES = { source: "green", destination: "blue", insert: "violet" } as const;

export function KindBadge({ kind }: { kind: FunctionKind }) {
  return <Badge tone={KIND_TONES[kind]}>{KIND_LABELS[kind]}</Badge>;
}

export function FunctionsList() {
  const ws = useWorkspace();
  const { data, error, isPending, refetch } = useFunctions();
  const [creating, setCreating] = useState(false);
  const canWrite = ws.can("functions.write");
  const newButton = canWrite && !creating && <Button onClick={() => setCreating(true)}>New function</Button>;
  return (
    <>
      <PageHeader
        title="Functions"
        description="Your own JavaScript as a source (webhooks in), as a destination, or inserted before a destination."
        actions={newButton}
      />
      {creating && <NewFunction onCancel={() => setCreating(false)} />}
      {isPending ? (
        <Spinner label="Loading functions" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : data.length === 0 ? (
        !creating && (
          <EmptyState title="No functions yet" action={newButton}>
            Start from a template: a Stripe-like webhook source, a signed webhook destination, or an insert
            function that removes personal data or renames events.
          </EmptyState>
        )
      ) : (
        <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Kind</th>
                <th className="px-4 py-2 font-medium">Deployed</th>
                <th className="px-4 py-2 font-medium">Runs in</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.map((f) => (
                <tr key={f.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2.5">
                    <Link
                      href={`/${ws.slug}/functions/${f.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {f.name}
                    </Link>
                    <p className="text-xs text-slate-500">{f.description}</p>
                  </td>
                  <td className="px-4 py-2.5">
                    <KindBadge kind={f.kind} />
                  </td>
                  <td className="px-4 py-2.5 text-slate-600">
                    {f.deployedVersion ? (
                      <>
                        v{f.deployedVersion} · <Time value={f.deployedAt!} />
                      </>
                    ) : (
                      "Not deployed"
                    )}
                  </td>
                  <td className="px-4 py-2.5 text-slate-600">
                    {f.instanceCount} {f.instanceCount === 1 ? "place" : "places"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function NewFunction({ onCancel }: { onCancel: () => void }) {
  const ws = useWorkspace();
  const router = useRouter();
  const create = useCreateFunction();
  const [kind, setKind] = useState<FunctionKind>("source");
  const [template, setTemplate] = useState<string>("stripe-webhook");
  const [name, setName] = useState("");
  const templates = TEMPLATES.filter((t) => t.kind === kind);
  const err = create.error instanceof ApiError ? create.error : null;
  return (
    <div className="mb-6">
      <Card title="New function">
        <form
          className="space-y-5"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { kind, template, name },
              { onSuccess: (f) => router.push(`/${ws.slug}/functions/${f.id}`) },
            );
          }}
        >
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-700">Kind</legend>
            <div className="flex gap-2">
              {(["source", "destination", "insert"] as const).map((k) => (
                <label
                  key={k}
                  className={`cursor-pointer rounded-md border px-3 py-2 text-sm ${FOCUS_WITHIN} ${kind === k ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-300"}`}
                >
                  <input
                    type="radio"
                    name="kind"
                    value={k}
                    checked={kind === k}
                    className="sr-only"
                    onChange={() => {
                      setKind(k);
                      setTemplate(TEMPLATES.find((t) => t.kind === k)!.id);
                    }}
                  />
                  {KIND_LABELS[k]}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-700">Template</legend>
            <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
              {templates.map((t) => (
                <label
                  key={t.id}
                  className={`cursor-pointer rounded-md border p-3 text-sm ${FOCUS_WITHIN} ${template === t.id ? "border-brand-600 bg-brand-50" : "border-slate-300 hover:bg-slate-50"}`}
                >
                  <input
                    type="radio"
                    name="template"
                    value={t.id}
                    checked={template === t.id}
                    className="sr-only"
                    onChange={() => setTemplate(t.id)}
                  />
                  <span className="block font-medium text-slate-900">{t.name}</span>
                  <span className="mt-1 block text-xs text-slate-600">{t.description}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <NameField
            kind="function"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={err?.field("name") ?? (err && !err.fields.length ? err.message : undefined)}
            placeholder="e.g. Stripe billing events"
            required
          />
          <div className="flex gap-2">
            <Button type="submit" pending={create.isPending}>
              Create function
            </Button>
            <Button variant="secondary" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
