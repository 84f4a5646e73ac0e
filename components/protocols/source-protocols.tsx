"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import {
  usePlans,
  useSourceOptions,
  useSourceProtocols,
  useUpdateSourceProtocols,
} from "@/components/protocols/use-protocols";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import type { SchemaConfig } from "@/lib/protocols/enforcement";

// The source's tracking plan and Segment's Schema Configuration (what happens to messages that
// break the plan), in the source's settings.

export function SourceProtocols({ sourceId, editable }: { sourceId: string; editable: boolean }) {
  const ws = useWorkspace();
  const current = useSourceProtocols(sourceId);
  const plans = usePlans();
  const sources = useSourceOptions();
  const update = useUpdateSourceProtocols(sourceId);
  const [planId, setPlanId] = useState("");
  const [config, setConfig] = useState<SchemaConfig | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) {
      setPlanId(current.data.trackingPlan?.id ?? "");
      setConfig(current.data.config);
    }
  }, [current.data]);
  if (current.isPending || plans.isPending || !config)
    return <Spinner label="Loading tracking plan settings" />;
  if (current.isError) return <ErrorState error={current.error} onRetry={() => current.refetch()} />;
  const set = <K extends keyof SchemaConfig>(k: K, v: SchemaConfig[K]) => {
    setSaved(false);
    setConfig({ ...config, [k]: v });
  };
  return (
    <Card title="Tracking plan and Schema Configuration">
      <form
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          setSaved(false);
          await update
            .mutateAsync({ trackingPlanId: planId || null, config })
            .then(() => setSaved(true))
            .catch(() => {});
        }}
      >
        {update.error && <ErrorState error={update.error} />}
        <fieldset disabled={!editable} className="space-y-4">
          <SelectField
            label="Tracking plan"
            name="trackingPlanId"
            value={planId}
            onChange={(e) => {
              setSaved(false);
              setPlanId(e.target.value);
            }}
            help={
              <>
                Messages are checked against the plan as they arrive.{" "}
                <Link className="underline" href={`/${ws.slug}/tracking-plans`}>
                  Manage tracking plans
                </Link>
              </>
            }
          >
            <option value="">No tracking plan</option>
            {(plans.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} (v{p.version}, {p.events} event{p.events === 1 ? "" : "s"})
              </option>
            ))}
          </SelectField>
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label="Track: unplanned events"
              value={config.trackUnplanned}
              onChange={(e) => set("trackUnplanned", e.target.value as SchemaConfig["trackUnplanned"])}
            >
              <option value="allow">Allow</option>
              <option value="block">Block event</option>
            </SelectField>
            <SelectField
              label="Track: invalid properties"
              value={config.trackInvalid}
              onChange={(e) => set("trackInvalid", e.target.value as SchemaConfig["trackInvalid"])}
            >
              <option value="allow">Allow</option>
              <option value="omit">Omit properties</option>
              <option value="block">Block event</option>
            </SelectField>
            <SelectField
              label="Identify and group: unplanned traits"
              value={config.traitsUnplanned}
              onChange={(e) => set("traitsUnplanned", e.target.value as SchemaConfig["traitsUnplanned"])}
            >
              <option value="allow">Allow</option>
              <option value="omit">Omit traits</option>
            </SelectField>
            <SelectField
              label="Identify and group: invalid traits"
              value={config.traitsInvalid}
              onChange={(e) => set("traitsInvalid", e.target.value as SchemaConfig["traitsInvalid"])}
            >
              <option value="allow">Allow</option>
              <option value="block">Block call</option>
            </SelectField>
          </div>
          <SelectField
            label="Send blocked messages to"
            value={config.forwardBlockedTo ?? ""}
            onChange={(e) => set("forwardBlockedTo", e.target.value || null)}
            help="Blocked messages also arrive on this source, with the reason in context.protocols."
          >
            <option value="">Nowhere (drop them)</option>
            {(sources.data ?? [])
              .filter((s) => s.id !== sourceId)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </SelectField>
        </fieldset>
        {editable && (
          <div className="flex items-center gap-3">
            <Button type="submit" pending={update.isPending}>
              Save
            </Button>
            {saved && (
              <span role="status" className="text-sm text-emerald-700">
                Saved
              </span>
            )}
          </div>
        )}
      </form>
    </Card>
  );
}
