"use client";

import { useState } from "react";
import { DestinationList } from "@/components/setup/destination-list";
import { Note, StepCard } from "@/components/setup/step-card";
import { usePublishDestination } from "@/components/setup/use-setup";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { NameField } from "@/components/ui/name-field";
import { ApiError } from "@/lib/api/client";
import type { DestinationBrief, SourceBrief } from "@/lib/use-cases/types";

/** Prod step 2: copy a dev destination (settings, secrets, filters) to receive from a prod source. */
export function ProdDestinationStep({
  devDestinations,
  prodDestinations,
  prodSources,
  canEdit,
}: {
  devDestinations: DestinationBrief[];
  prodDestinations: DestinationBrief[];
  prodSources: SourceBrief[];
  canEdit: boolean;
}) {
  const publish = usePublishDestination();
  const [open, setOpen] = useState(false);
  const [destinationId, setDestinationId] = useState("");
  const [prodSourceId, setProdSourceId] = useState("");
  const [name, setName] = useState("");
  const chosen = devDestinations.find((d) => d.id === (destinationId || devDestinations[0]?.id));
  const prodSource = prodSources.find((s) => s.id === (prodSourceId || prodSources[0]?.id));
  const error = publish.error instanceof ApiError ? publish.error : null;
  const ready = devDestinations.length > 0 && prodSources.length > 0;
  return (
    <StepCard
      id="prod-destination"
      number={2}
      title="Connect prod destination"
      done={prodDestinations.some((d) => d.enabled)}
    >
      <p className="text-slate-600">
        Choose a dev destination to copy and the prod source it receives from. The copy keeps the settings
        (credentials included), the filters and whether it is enabled.
      </p>
      {!devDestinations.length && <Note>Connect a dev destination on the Dev tab first.</Note>}
      {devDestinations.length > 0 && !prodSources.length && <Note>Connect a prod source first.</Note>}
      {canEdit && ready && !open && (
        <Button variant={prodDestinations.length ? "secondary" : "primary"} onClick={() => setOpen(true)}>
          {prodDestinations.length ? "Connect another prod destination" : "Connect prod destination"}
        </Button>
      )}
      {open && chosen && prodSource && (
        <form
          className="max-w-md space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            publish.mutate(
              {
                destinationId: chosen.id,
                prodSourceId: prodSource.id,
                name: name.trim() || `${chosen.name} (prod)`,
              },
              { onSuccess: () => setOpen(false) },
            );
          }}
        >
          <SelectField
            label="Dev destination to copy"
            value={chosen.id}
            onChange={(e) => setDestinationId(e.target.value)}
          >
            {devDestinations.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Receives from prod source"
            value={prodSource.id}
            onChange={(e) => setProdSourceId(e.target.value)}
          >
            {prodSources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
          <NameField
            kind="destination"
            label="Prod destination name"
            value={name}
            placeholder={`${chosen.name} (prod)`}
            onChange={(e) => setName(e.target.value)}
            error={error?.field("name")}
          />
          <div className="flex gap-2">
            <Button type="submit" pending={publish.isPending}>
              Create prod destination
            </Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {error && !error.field("name") && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
      <DestinationList env="prod" destinations={prodDestinations} />
    </StepCard>
  );
}
