"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { usePlanMutations, usePlans } from "@/components/protocols/use-protocols";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { Card, EmptyState, ErrorState, PageHeader, Spinner } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";
import { businessGoals } from "@/lib/catalog/use-cases";

// Workspace tracking plans, and a form to create one: empty, from a use case's suggested events,
// or by importing a plan's JSON (the same shape Export downloads).

export function PlansList({ fromUseCase }: { fromUseCase: string }) {
  const ws = useWorkspace();
  const router = useRouter();
  const plans = usePlans();
  const { create } = usePlanMutations();
  const [start, setStart] = useState<"empty" | "usecase" | "import">(fromUseCase ? "usecase" : "empty");
  const [useCase, setUseCase] = useState(fromUseCase);
  const [imported, setImported] = useState("");
  const [importError, setImportError] = useState("");
  const canEdit = ws.can("sources.write");
  const formError = create.error instanceof ApiError ? create.error : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setImportError("");
    const body: { name: string; description?: string; rules?: unknown; fromUseCase?: string } = {
      name: String(form.get("name") ?? ""),
    };
    if (start === "usecase") body.fromUseCase = useCase;
    if (start === "import") {
      try {
        const parsed = JSON.parse(imported) as { rules?: unknown; description?: string };
        body.rules = parsed.rules ?? parsed;
        if (typeof parsed.description === "string") body.description = parsed.description;
      } catch (err) {
        setImportError(`Not valid JSON: ${(err as Error).message}`);
        return;
      }
    }
    const created = await create.mutateAsync(body).catch(() => null);
    if (created) router.push(`/${ws.slug}/tracking-plans/${created.plan.id}`);
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title="Tracking plans"
        description="The events your sources should send, with a schema for their properties. Connect a plan to a source in its settings."
      />
      {plans.isPending ? (
        <Spinner label="Loading tracking plans" />
      ) : plans.isError ? (
        <ErrorState error={plans.error} onRetry={() => plans.refetch()} />
      ) : plans.data.length === 0 ? (
        <EmptyState title="No tracking plans yet">
          Create one below, from scratch or from a use case.
        </EmptyState>
      ) : (
        <ul
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white"
          data-testid="plans"
        >
          {plans.data.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
              <Link
                href={`/${ws.slug}/tracking-plans/${p.id}`}
                className="font-medium text-brand-700 hover:underline"
              >
                {p.name}
              </Link>
              <Badge>v{p.version}</Badge>
              <span className="text-sm text-slate-600">
                {p.events} events{p.identify ? " · identify" : ""}
                {p.group ? " · group" : ""}
              </span>
              <span className="ml-auto text-sm text-slate-500">
                {p.sources.length === 0
                  ? "Not connected"
                  : `Connected to ${p.sources.map((s) => s.name).join(", ")}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <Card title="New tracking plan">
          <form className="max-w-xl space-y-4" onSubmit={onSubmit} noValidate>
            {formError && (
              <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
                {formError.message}
              </p>
            )}
            <NameField kind="trackingPlan" name="name" required error={formError?.field("name")} />
            <SelectField
              label="Start from"
              value={start}
              onChange={(e) => setStart(e.target.value as typeof start)}
            >
              <option value="empty">An empty plan</option>
              <option value="usecase">A use case's suggested events</option>
              <option value="import">Imported JSON</option>
            </SelectField>
            {start === "usecase" && (
              <SelectField
                label="Use case"
                value={useCase}
                onChange={(e) => setUseCase(e.target.value)}
                required
              >
                <option value="">Choose a use case</option>
                {businessGoals().map((g) => (
                  <optgroup key={g.id} label={g.name}>
                    {g.useCases.map((u) => (
                      <option key={u.slug} value={`${g.id}/${u.slug}`}>
                        {u.name} ({u.events.length} events)
                      </option>
                    ))}
                  </optgroup>
                ))}
              </SelectField>
            )}
            {start === "import" && (
              <div className="space-y-1">
                <label htmlFor="plan-import" className="block text-sm font-medium text-slate-700">
                  Plan JSON (as exported)
                </label>
                <textarea
                  id="plan-import"
                  rows={8}
                  value={imported}
                  onChange={(e) => setImported(e.target.value)}
                  className="block w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
                  aria-invalid={importError ? true : undefined}
                />
                <input
                  type="file"
                  accept="application/json,.json"
                  aria-label="Import a JSON file"
                  onChange={async (e) => {
                    const file = e.target.files?.[0];
                    if (file) setImported(await file.text());
                  }}
                  className="text-sm"
                />
                {importError && (
                  <p role="alert" className="text-xs text-red-600">
                    {importError}
                  </p>
                )}
              </div>
            )}
            <Button type="submit" pending={create.isPending}>
              Create plan
            </Button>
          </form>
        </Card>
      )}
    </div>
  );
}
