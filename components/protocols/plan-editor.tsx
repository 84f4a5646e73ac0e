"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { PlanEventForm } from "@/components/protocols/plan-event-form";
import { usePlan, usePlanMutations } from "@/components/protocols/use-protocols";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Confirm } from "@/components/ui/confirm";
import { Card, EmptyState, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";
import type { PlanEvent, PlanRules } from "@/lib/protocols/plan";

// One tracking plan: its events (a form for the common cases), the whole plan as JSON for the
// rest, export, change history and delete. Every save is a new version on the server.

export function PlanEditor({ planId }: { planId: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const query = usePlan(planId);
  const { update, remove } = usePlanMutations();
  const [json, setJson] = useState("");
  const [jsonError, setJsonError] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const plan = query.data?.plan;
  useEffect(() => {
    if (plan) setJson(JSON.stringify(plan.rules, null, 2));
  }, [plan]);
  if (query.isPending) return <Spinner label="Loading tracking plan" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const { history } = query.data;
  const p = query.data.plan;
  const canEdit = ws.can("sources.write") && p.sources.every((s) => ws.inScope(s.environment));
  const save = (rules: PlanRules) => update.mutateAsync({ id: p.id, rules }).then(() => query.refetch());

  return (
    <div className="space-y-6">
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {p.name} <Badge>v{p.version}</Badge>
          </span>
        }
        description={
          p.sources.length
            ? `Connected to ${p.sources.map((s) => s.name).join(", ")}`
            : "Not connected to a source yet (connect it in a source's settings)."
        }
        actions={
          <>
            <a
              className={buttonClass("secondary")}
              href={ws.api(`/tracking-plans/${p.id}?export=1`)}
              download
            >
              Export JSON
            </a>
            {canEdit && (
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                Delete
              </Button>
            )}
          </>
        }
      />
      {update.error && <ErrorState error={update.error} />}
      <Card title={`Events (${p.rules.events.length})`}>
        {p.rules.events.length === 0 ? (
          <EmptyState title="No events planned">Add the events this plan allows below.</EmptyState>
        ) : (
          <table className="w-full text-sm" data-testid="plan-events">
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1">Type</th>
                <th className="py-1">Name</th>
                <th className="py-1">Properties</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {p.rules.events.map((e) => (
                <tr key={`${e.type}:${e.name}`} className="border-t border-slate-100 align-top">
                  <td className="py-1.5">
                    <Badge>{e.type}</Badge>
                  </td>
                  <td className="py-1.5 font-medium">
                    {e.name}
                    {e.description && (
                      <div className="text-xs font-normal text-slate-500">{e.description}</div>
                    )}
                  </td>
                  <td className="py-1.5 font-mono text-xs text-slate-600">{describeProps(e)}</td>
                  <td className="py-1.5 text-right">
                    {canEdit && (
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Remove ${e.name}`}
                        onClick={() => save({ ...p.rules, events: p.rules.events.filter((x) => x !== e) })}
                      >
                        Remove
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {canEdit && (
        <Card title="Add an event">
          <PlanEventForm
            pending={update.isPending}
            onAdd={(event) => save({ ...p.rules, events: [...p.rules.events, event] })}
          />
        </Card>
      )}
      <Card title="Plan JSON">
        <p className="mb-2 text-sm text-slate-600">
          Everything the form cannot express (identify and group traits, enums, patterns, nested objects) as
          JSON Schema. Patterns use RE2 syntax (no backreferences or lookaround).
        </p>
        <label htmlFor="plan-json" className="sr-only">
          Plan JSON
        </label>
        <textarea
          id="plan-json"
          rows={16}
          value={json}
          readOnly={!canEdit}
          onChange={(e) => setJson(e.target.value)}
          className="block w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
          aria-invalid={jsonError ? true : undefined}
        />
        {jsonError && (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {jsonError}
          </p>
        )}
        {canEdit && (
          <Button
            className="mt-2"
            pending={update.isPending}
            onClick={() => {
              setJsonError("");
              let rules: PlanRules;
              try {
                rules = JSON.parse(json) as PlanRules;
              } catch (err) {
                setJsonError(`Not valid JSON: ${(err as Error).message}`);
                return;
              }
              save(rules).catch(() => {});
            }}
          >
            Save JSON
          </Button>
        )}
      </Card>
      <Card title="Change history">
        <ol className="space-y-1 text-sm" data-testid="plan-history">
          {history.map((h) => (
            <li key={h.version}>
              <Badge>v{h.version}</Badge> {h.summary} · {h.actorEmail} · <Time value={h.createdAt} />
            </li>
          ))}
        </ol>
      </Card>
      <Confirm
        open={confirmDelete}
        title={`Delete ${p.name}?`}
        confirmLabel="Delete plan"
        danger
        pending={remove.isPending}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={async () => {
          await remove.mutateAsync(p.id).catch(() => {});
          router.push(`/${ws.slug}/tracking-plans`);
        }}
      >
        Sources connected to it stop enforcing a plan.
      </Confirm>
    </div>
  );
}

function describeProps(e: PlanEvent): string {
  const props = (e.schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const required = new Set(Array.isArray(e.schema.required) ? (e.schema.required as string[]) : []);
  const list = Object.entries(props).map(
    ([k, v]) => `${k}${required.has(k) ? "*" : ""}: ${String(v?.type ?? "any")}`,
  );
  return list.length ? list.join(", ") : "any";
}
