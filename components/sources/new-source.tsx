"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { SourceTypePicker } from "@/components/sources/source-type-picker";
import { useCreateSource } from "@/components/sources/use-sources";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { Card, PageHeader } from "@/components/ui/states";
import { ApiError } from "@/lib/api/client";
import { sourceTypes } from "@/lib/catalog";
import { SUGGESTED_LABELS } from "@/lib/sources/schema";

export function NewSource({
  presetEnvironment,
  presetType,
  presetCategory,
  returnTo,
}: {
  presetEnvironment?: string;
  presetType?: string;
  presetCategory?: string;
  returnTo?: string;
}) {
  const ws = useWorkspace();
  const router = useRouter();
  const [typeId, setTypeId] = useState(
    presetType && sourceTypes.some((t) => t.id === presetType) ? presetType : null,
  );
  const create = useCreateSource();
  const type = sourceTypes.find((t) => t.id === typeId);
  const error = create.error instanceof ApiError ? create.error : null;
  const allowedLabels = ws.labels ?? null;
  const [environment, setEnvironment] = useState(presetEnvironment ?? allowedLabels?.[0] ?? "dev");

  if (!type) {
    return (
      <>
        <PageHeader title="Add source" description="Choose the library or API your data will come from." />
        <SourceTypePicker initialCategory={presetCategory} onPick={setTypeId} />
      </>
    );
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const result = await create
      .mutateAsync({
        name: String(form.get("name") ?? ""),
        type: type!.id,
        environment,
        websiteUrl: String(form.get("websiteUrl") ?? ""),
      })
      .catch(() => null);
    if (result) router.push(returnTo ?? `/${ws.slug}/sources/${result.source.id}?created=1`);
  }

  return (
    <>
      <PageHeader title={`Add ${type.name} source`} description={type.description} />
      <Card>
        <form onSubmit={onSubmit} className="max-w-lg space-y-4" noValidate>
          {error && !error.fields.length && (
            <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-700">
              {error.message}
            </p>
          )}
          <NameField
            kind="source"
            name="name"
            required
            autoFocus
            placeholder="e.g. Marketing website"
            error={error?.field("name")}
          />
          <div>
            <TextField
              label="Environment label"
              name="environment"
              value={environment}
              onChange={(e) => setEnvironment(e.target.value)}
              list="environment-suggestions"
              required
              help="dev, staging, prod or your own label. Work in dev first, then publish to prod."
              error={error?.field("environment")}
            />
            <datalist id="environment-suggestions">
              {(allowedLabels ?? SUGGESTED_LABELS).map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
          </div>
          {type.category === "Website" && (
            <TextField
              label="Website URL (optional)"
              name="websiteUrl"
              type="url"
              placeholder="https://example.com"
              error={error?.field("websiteUrl")}
            />
          )}
          <div className="flex gap-2">
            <Button type="submit" pending={create.isPending}>
              Create source
            </Button>
            <Button variant="secondary" onClick={() => setTypeId(null)}>
              Choose another type
            </Button>
          </div>
        </form>
      </Card>
    </>
  );
}
