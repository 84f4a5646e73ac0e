"use client";

import Link from "next/link";
import { Fragment, useEffect, useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { type SchemaPage, useSchema, useSchemaMutations } from "@/components/protocols/use-protocols";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, Spinner } from "@/components/ui/states";
import { Time } from "@/components/ui/time";

// The Source Schema: every event name, page/screen name and trait the source has sent, from the
// aggregates ingest keeps (never a scan of the archive). Search, sort and pages run on the server.

const KINDS = [
  { id: "track", label: "Events" },
  { id: "page", label: "Pages" },
  { id: "screen", label: "Screens" },
  { id: "identify", label: "Identify traits" },
  { id: "group", label: "Group traits" },
] as const;

type Sort = "name" | "volume" | "lastSeen" | "firstSeen";

export function SchemaView({ sourceId }: { sourceId: string }) {
  const ws = useWorkspace();
  const [kind, setKind] = useState<(typeof KINDS)[number]["id"]>("track");
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [sort, setSort] = useState<Sort>("volume");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [span, setSpan] = useState<"24h" | "7d">("24h");
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(search);
      setPage(1);
    }, 200);
    return () => clearTimeout(t);
  }, [search]);
  const query = useSchema(sourceId, { kind, q, sort, order, window: span, page, pageSize: 50 });
  const data = query.data;
  const { eventFilter, integration } = useSchemaMutations(sourceId);
  const traits = kind === "identify" || kind === "group";
  const mutationError = eventFilter.error ?? integration.error;

  const header = (id: Sort, label: string) => (
    <th
      scope="col"
      className="px-3 py-2 text-left font-medium"
      aria-sort={sort === id ? (order === "asc" ? "ascending" : "descending") : undefined}
    >
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:text-slate-900"
        onClick={() => {
          if (sort === id) setOrder(order === "asc" ? "desc" : "asc");
          else {
            setSort(id);
            setOrder(id === "name" ? "asc" : "desc");
          }
          setPage(1);
        }}
      >
        {label}
        {sort === id && <span aria-hidden>{order === "asc" ? "▲" : "▼"}</span>}
      </button>
    </th>
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div role="tablist" aria-label="What to list" className="flex gap-1">
          {KINDS.map((k) => (
            <button
              key={k.id}
              type="button"
              role="tab"
              aria-selected={kind === k.id}
              onClick={() => {
                setKind(k.id);
                setPage(1);
                setOpen(null);
              }}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${kind === k.id ? "bg-slate-800 text-white dark:text-slate-50" : "bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50"}`}
            >
              {k.label}
            </button>
          ))}
        </div>
        <label className="sr-only" htmlFor="schema-search">
          Search
        </label>
        <input
          id="schema-search"
          type="search"
          placeholder="Search names"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="w-56 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        />
        <fieldset className="ml-auto flex gap-1 text-sm">
          <legend className="sr-only">Volume window</legend>
          {(["24h", "7d"] as const).map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={span === w}
              onClick={() => setSpan(w)}
              className={`rounded-md px-2.5 py-1 ${span === w ? "bg-brand-600 text-white" : "bg-white ring-1 ring-slate-200"}`}
            >
              {w === "24h" ? "Last 24 hours" : "Last 7 days"}
            </button>
          ))}
        </fieldset>
      </div>
      {data?.hasTrackingPlan && (
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
          This source has a tracking plan: schema event filters are off while it is connected (the plan's
          enforcement applies instead, see Settings).
        </p>
      )}
      {mutationError && <ErrorState error={mutationError} />}
      {query.isPending ? (
        <Spinner label="Loading schema" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : data && data.total === 0 && !q ? (
        <EmptyState title="Nothing received yet">
          Names and {traits ? "traits" : "properties"} appear here as soon as the source sends{" "}
          {kind === "track" ? "track events" : `${kind} calls`}. Watch them arrive in the{" "}
          <Link className="underline" href={`/${ws.slug}/sources/${sourceId}/debugger`}>
            debugger
          </Link>
          .
        </EmptyState>
      ) : data ? (
        <>
          {traits && data.destinations.length > 0 && (
            <CallIntegrations
              data={data}
              kind={kind}
              pending={integration.isPending}
              onToggle={(d, enabled) => integration.mutate({ kind, name: "", destinationId: d, enabled })}
            />
          )}
          <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm" data-testid="schema-table">
              <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  {header("name", traits ? "Trait" : "Name")}
                  {header("volume", span === "24h" ? "Volume 24 h" : "Volume 7 d")}
                  {header("firstSeen", "First seen")}
                  {header("lastSeen", "Last seen")}
                  <th scope="col" className="px-3 py-2 text-left font-medium">
                    {traits ? "Omit" : "Block"}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 && (
                  <tr>
                    <td colSpan={5} className="px-3 py-6 text-center text-slate-500">
                      No name matches “{q}”.
                    </td>
                  </tr>
                )}
                {data.items.map((item) => {
                  const id = `${item.kind}:${item.name}`;
                  const blocked = item.filter !== null;
                  return (
                    <Fragment key={id}>
                      <tr
                        className="border-t border-slate-100"
                        data-testid="schema-row"
                        data-name={item.name}
                      >
                        <td className="px-3 py-2">
                          <button
                            type="button"
                            className="text-left font-medium text-slate-900 hover:underline"
                            aria-expanded={open === id}
                            onClick={() => setOpen(open === id ? null : id)}
                          >
                            {item.name || <span className="italic text-slate-500">(no name)</span>}
                          </button>
                          {blocked && (
                            <span className="ml-2" data-testid="block-counter">
                              <Badge tone="amber">
                                {traits ? "Omitted" : "Blocked"} · {item.filter!.hits.toLocaleString()} times
                              </Badge>
                            </span>
                          )}
                        </td>
                        <td className="px-3 py-2 tabular-nums">{item.volume.toLocaleString()}</td>
                        <td className="px-3 py-2 text-slate-600">
                          <Time value={item.firstSeen} mode="relative" />
                        </td>
                        <td className="px-3 py-2 text-slate-600">
                          <Time value={item.lastSeen} mode="relative" />
                        </td>
                        <td className="px-3 py-2">
                          <label className="inline-flex items-center gap-2">
                            <input
                              type="checkbox"
                              checked={blocked}
                              disabled={!data.canEdit || data.hasTrackingPlan || eventFilter.isPending}
                              onChange={(e) =>
                                eventFilter.mutate({
                                  kind: item.kind,
                                  name: item.name,
                                  enabled: e.target.checked,
                                })
                              }
                              aria-label={`${traits ? "Omit trait" : "Block"} ${item.name}`}
                            />
                          </label>
                        </td>
                      </tr>
                      {open === id && (
                        <tr className="bg-slate-50">
                          <td colSpan={5} className="px-5 py-3">
                            <Details
                              item={item}
                              data={data}
                              traits={traits}
                              onToggle={(d, enabled) =>
                                integration.mutate({
                                  kind: item.kind,
                                  name: item.name,
                                  destinationId: d,
                                  enabled,
                                })
                              }
                              pending={integration.isPending}
                            />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav className="flex items-center justify-between text-sm text-slate-600" aria-label="Pages">
            <span>
              {data.total.toLocaleString()} {traits ? "trait" : "name"}
              {data.total === 1 ? "" : "s"}
              {query.isFetching && " · updating…"}
            </span>
            <span className="flex items-center gap-2">
              <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </Button>
              Page {page} of {Math.max(1, Math.ceil(data.total / data.pageSize))}
              <Button
                variant="secondary"
                size="sm"
                disabled={page * data.pageSize >= data.total}
                onClick={() => setPage(page + 1)}
              >
                Next
              </Button>
            </span>
          </nav>
        </>
      ) : null}
    </div>
  );
}

function Details({
  item,
  data,
  traits,
  onToggle,
  pending,
}: {
  item: SchemaPage["items"][number];
  data: SchemaPage;
  traits: boolean;
  onToggle: (destinationId: string, enabled: boolean) => void;
  pending: boolean;
}) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">
          {traits ? "Types seen" : "Properties"}
        </h3>
        {item.properties.length === 0 ? (
          <p className="text-sm text-slate-500">No properties.</p>
        ) : (
          <table className="w-full text-xs" data-testid="property-table">
            <tbody>
              {item.properties.map((p) => (
                <tr key={p.path} className="border-t border-slate-200">
                  <td className="py-1 pr-2 font-mono">{p.path || item.name}</td>
                  <td className="py-1 pr-2">
                    {p.types.map((t) => (
                      <span key={t.type} className="mr-1">
                        <Badge tone={p.types.length > 1 ? "amber" : "gray"}>
                          {t.type} · {t.count}
                        </Badge>
                      </span>
                    ))}
                  </td>
                  <td className="py-1 text-right tabular-nums">{Math.round(p.frequency * 100)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="mt-1 text-xs text-slate-500">
          {item.total.toLocaleString()} messages since first seen.
        </p>
      </div>
      {!traits && item.kind === "track" && (
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Destinations for this event</h3>
          {data.destinations.length === 0 ? (
            <p className="text-sm text-slate-500">No destination is connected to this source.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {data.destinations.map((d) => (
                <li key={d.id}>
                  <label className="inline-flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={!item.integrationsOff.includes(d.id)}
                      disabled={!data.canEdit || pending}
                      onChange={(e) => onToggle(d.id, e.target.checked)}
                    />
                    {d.name}
                  </label>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-1 text-xs text-slate-500">
            A message whose integrations object names a destination's type is sent as the object says.
          </p>
        </div>
      )}
    </div>
  );
}

function CallIntegrations({
  data,
  kind,
  pending,
  onToggle,
}: {
  data: SchemaPage;
  kind: string;
  pending: boolean;
  onToggle: (destinationId: string, enabled: boolean) => void;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm">
      <p className="mb-1 font-medium">Send {kind} calls to</p>
      <div className="flex flex-wrap gap-4">
        {data.destinations.map((d) => (
          <label key={d.id} className="inline-flex items-center gap-2">
            <input
              type="checkbox"
              checked={!data.callIntegrationsOff.includes(d.id)}
              disabled={!data.canEdit || pending}
              onChange={(e) => onToggle(d.id, e.target.checked)}
            />
            {d.name}
          </label>
        ))}
      </div>
    </div>
  );
}
