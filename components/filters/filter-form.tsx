"use client";

import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { ConditionInput, type ServerConditionError } from "@/components/filters/condition-input";
import {
  configFor,
  FILTER_ACTIONS,
  type FilterActionValue,
  type FilterFormErrors,
  type FilterFormValues,
  hasErrors,
  serverFilterErrors,
  validateFilterForm,
} from "@/components/filters/filter-actions";
import { useCreateFilter, useUpdateFilter } from "@/components/filters/use-filters";
import { Button } from "@/components/ui/button";
import { Field, SelectField, TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { Card } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";
import type { FilterView } from "@/lib/destinations/filters";

/** Create (no `filter`) or edit a filter. Action and config are always posted together. */
export function FilterForm({
  destinationId,
  filter,
  onDone,
}: {
  destinationId: string;
  filter?: FilterView;
  onDone: () => void;
}) {
  const ws = useWorkspace();
  const create = useCreateFilter(destinationId);
  const update = useUpdateFilter(destinationId);
  const mutation = filter ? update : create;
  const [name, setName] = useState(filter?.name ?? "");
  const [condition, setCondition] = useState(filter?.condition ?? "");
  const [action, setAction] = useState<FilterActionValue>((filter?.action as FilterActionValue) ?? "drop");
  const [percent, setPercent] = useState(
    typeof filter?.config.percent === "number" ? String(filter.config.percent) : "10",
  );
  const [samplePath, setSamplePath] = useState(
    typeof filter?.config.path === "string" ? filter.config.path : "",
  );
  const [fields, setFields] = useState(
    Array.isArray(filter?.config.fields) ? (filter.config.fields as string[]).join("\n") : "",
  );
  const [enabled, setEnabled] = useState(filter?.enabled ?? true);
  const [submitted, setSubmitted] = useState(false);
  const error = mutation.error instanceof ApiError ? mutation.error : null;
  const values: FilterFormValues = { name, condition, action, percent, samplePath, fields };
  // After the first submit every field shows its problem at once and updates as the user types;
  // the API's answer (e.g. a name already taken) is placed the same way.
  const local = submitted ? validateFilterForm(values) : {};
  const server = error ? serverFilterErrors(error.fields, values) : {};
  const problems: FilterFormErrors = { ...server, ...local };
  const conditionError = error?.fields.find((f) => f.path === "condition") as
    | ServerConditionError
    | undefined;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSubmitted(true);
    mutation.reset();
    if (hasErrors(validateFilterForm(values))) return;
    const body = { name, condition, action, config: configFor(action, percent, fields, samplePath), enabled };
    const ok = await (filter ? update.mutateAsync({ id: filter.id, ...body }) : create.mutateAsync(body))
      .then(() => true)
      .catch(() => false);
    if (ok) onDone();
  }

  return (
    <Card title={filter ? `Edit “${filter.name}”` : "New filter"}>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {error && !error.fields.length && (
          <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
            {error.message}
          </p>
        )}
        <NameField
          kind="filter"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          autoFocus
          placeholder="e.g. Drop test events"
          error={problems.name}
          onInput={() => {
            if (error?.field("name")) mutation.reset();
          }}
        />
        <ConditionInput
          value={condition}
          onChange={(v) => {
            setCondition(v);
            if (conditionError) mutation.reset();
          }}
          showEmpty={submitted}
          serverError={conditionError}
        />
        <p className="-mt-2 text-xs text-slate-500">
          Events matching the condition get the action below.{" "}
          <a
            href={`/${ws.slug}/destinations/filter-language`}
            target="_blank"
            rel="noreferrer"
            className="text-brand-700 underline"
          >
            Filter language reference
          </a>
        </p>
        <SelectField
          label="Action"
          value={action}
          onChange={(e) => setAction(e.target.value as FilterActionValue)}
          error={problems.action}
        >
          {FILTER_ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </SelectField>
        {action === "sample" && (
          <>
            <TextField
              label="Percent of matching events to keep"
              type="number"
              min={0.01}
              max={100}
              step="any"
              value={percent}
              onChange={(e) => setPercent(e.target.value)}
              help="More than 0, at most 100."
              error={problems.percent}
            />
            <TextField
              label="Sample by field (optional)"
              value={samplePath}
              onChange={(e) => setSamplePath(e.target.value)}
              placeholder="userId"
              help="Keep all or none of the events with the same value, e.g. userId keeps a share of users with all their events. Empty: decided per message (stable per messageId)."
              error={problems.samplePath}
            />
          </>
        )}
        {(action === "allow_fields" || action === "drop_fields") && (
          <Field
            label={action === "allow_fields" ? "Fields to keep" : "Fields to drop"}
            error={problems.fields?.join("\n")}
            help={
              action === "allow_fields"
                ? "One field per line inside properties, traits or context, e.g. properties.total. Only the objects named are trimmed: listing properties.total keeps context and traits as they are."
                : "One field per line inside properties, traits or context, e.g. properties.email or context.ip."
            }
          >
            {(p) => <textarea {...p} rows={3} value={fields} onChange={(e) => setFields(e.target.value)} />}
          </Field>
        )}
        <div className="flex items-center gap-2">
          <input
            id="filter-enabled"
            type="checkbox"
            className="size-4 rounded border-slate-300"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          <label htmlFor="filter-enabled" className="text-sm text-slate-700">
            Enabled
          </label>
        </div>
        <div className="flex gap-2">
          <Button type="submit" pending={mutation.isPending}>
            {filter ? "Save filter" : "Add filter"}
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
