"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { PlanEvent } from "@/lib/protocols/plan";

// The common case of a plan event: a name, a description and typed properties, some required.

const TYPES = ["string", "number", "integer", "boolean", "object", "array"] as const;

interface Row {
  name: string;
  type: (typeof TYPES)[number];
  required: boolean;
}

interface EventFormErrors {
  name?: string;
  /** One message (or undefined) per property row. */
  rows: (string | undefined)[];
}

function checkEventForm(name: string, rows: Row[]): EventFormErrors {
  const seen = new Set<string>();
  return {
    name: name.trim() ? undefined : "Event name is required",
    rows: rows.map((r, i) => {
      const key = r.name.trim();
      if (!key) return r.required ? `Property ${i + 1}: name it, or untick required` : undefined;
      if (seen.has(key)) return `Property ${i + 1}: "${key}" is listed twice`;
      seen.add(key);
      return undefined;
    }),
  };
}

export function PlanEventForm({
  onAdd,
  pending,
}: {
  onAdd: (e: PlanEvent) => Promise<unknown>;
  pending: boolean;
}) {
  const [type, setType] = useState<PlanEvent["type"]>("track");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [rows, setRows] = useState<Row[]>([{ name: "", type: "string", required: false }]);
  const [errors, setErrors] = useState<EventFormErrors>({ rows: [] });
  const setRow = (i: number, patch: Partial<Row>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <form
      className="space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        // Every problem at once: the event name and each property row.
        const found = checkEventForm(name, rows);
        setErrors(found);
        if (found.name || found.rows.some(Boolean)) return;
        const props = rows.filter((r) => r.name.trim());
        const ok = await onAdd({
          type,
          name: name.trim(),
          description,
          schema: {
            type: "object",
            properties: Object.fromEntries(props.map((r) => [r.name.trim(), { type: r.type }])),
            ...(props.some((r) => r.required)
              ? { required: props.filter((r) => r.required).map((r) => r.name.trim()) }
              : {}),
          },
        })
          .then(() => true)
          .catch(() => false);
        if (ok) {
          setName("");
          setDescription("");
          setRows([{ name: "", type: "string", required: false }]);
        }
      }}
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value as PlanEvent["type"])}>
          <option value="track">Track</option>
          <option value="page">Page</option>
          <option value="screen">Screen</option>
        </SelectField>
        <TextField
          label="Event name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
        />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Properties</legend>
        {rows.map((r, i) => (
          <div key={i} className="flex flex-wrap items-center gap-2">
            <input
              aria-label={`Property ${i + 1} name`}
              value={r.name}
              onChange={(e) => setRow(i, { name: e.target.value })}
              placeholder="property"
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
            <select
              aria-label={`Property ${i + 1} type`}
              value={r.type}
              onChange={(e) => setRow(i, { type: e.target.value as Row["type"] })}
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
            >
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <label className="inline-flex items-center gap-1 text-sm">
              <input
                type="checkbox"
                checked={r.required}
                onChange={(e) => setRow(i, { required: e.target.checked })}
              />
              required
            </label>
            {errors.rows[i] && (
              <p role="alert" className="basis-full text-xs text-red-600">
                {errors.rows[i]}
              </p>
            )}
          </div>
        ))}
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setRows([...rows, { name: "", type: "string", required: false }])}
        >
          Add property
        </Button>
      </fieldset>
      <Button type="submit" pending={pending}>
        Add event
      </Button>
    </form>
  );
}
