"use client";

import Link from "next/link";
import { useWorkspace } from "@/components/console/workspace-context";
import { useSources } from "@/components/sources/use-sources";
import { EnvironmentBadge } from "@/components/ui/badge";
import { ErrorState, Spinner } from "@/components/ui/states";

/**
 * Which sources feed a destination. Sources outside the viewer's label scope are shown but cannot
 * be ticked (the API refuses them with 403 anyway).
 */
export function SourcePicker({
  selected,
  onChange,
  disabled,
  error,
}: {
  selected: string[];
  onChange: (ids: string[]) => void;
  disabled?: boolean;
  error?: string;
}) {
  const ws = useWorkspace();
  const { data, error: loadError, isPending, refetch } = useSources();
  if (isPending) return <Spinner label="Loading sources" />;
  if (loadError) return <ErrorState error={loadError} onRetry={() => refetch()} />;

  return (
    <fieldset aria-describedby={error ? "source-picker-error" : undefined}>
      <legend className="mb-2 text-sm font-medium text-slate-700">Sources</legend>
      {data.length === 0 ? (
        <p className="text-sm text-slate-600">
          No sources yet.{" "}
          {ws.can("sources.write") && (
            <Link href={`/${ws.slug}/sources/new`} className="text-brand-700 underline">
              Add a source
            </Link>
          )}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {data.map((s) => {
            const allowed = ws.inScope(s.environment);
            const id = `source-${s.id}`;
            return (
              <li key={s.id} className="flex items-center gap-3 px-3 py-2">
                <input
                  id={id}
                  type="checkbox"
                  className="size-4 rounded border-slate-300"
                  checked={selected.includes(s.id)}
                  disabled={disabled || !allowed}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...selected, s.id] : selected.filter((x) => x !== s.id))
                  }
                />
                <label htmlFor={id} className="flex flex-1 items-center gap-2 text-sm">
                  <span className={allowed ? "text-slate-800" : "text-slate-400"}>{s.name}</span>
                  <EnvironmentBadge label={s.environment} />
                  {!allowed && <span className="text-xs text-slate-500">outside your access</span>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {selected.length === 0 &&
        data.length > 0 &&
        (ws.labels && !disabled ? (
          // The server refuses it too: an unconnected destination is outside every label's scope.
          <p className="mt-1 text-xs text-slate-500">
            Connect at least one {ws.labels.join(" or ")} source: your access is limited to those labels.
          </p>
        ) : (
          <p className="mt-1 text-xs text-slate-500">Not connected: the destination receives no events.</p>
        ))}
      {error && (
        <p id="source-picker-error" role="alert" className="mt-1 text-xs text-red-600">
          {error}
        </p>
      )}
    </fieldset>
  );
}
