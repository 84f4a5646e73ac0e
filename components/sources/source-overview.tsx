"use client";

import Link from "next/link";
import { useState } from "react";
import { useWorkspace } from "@/components/console/workspace-context";
import { useSource, useWriteKey } from "@/components/sources/use-sources";
import { CopyButton } from "@/components/ui/copy-button";
import { ScrollablePre } from "@/components/ui/scrollable-pre";
import { Card, ErrorState, Spinner } from "@/components/ui/states";
import { sourceTypes } from "@/lib/catalog";

export function SourceOverview({ sourceId, justCreated }: { sourceId: string; justCreated: boolean }) {
  const ws = useWorkspace();
  const { data: source, error, isPending, refetch } = useSource(sourceId);
  const canSeeKey = Boolean(source && ws.can("sources.writeKey.read") && ws.inScope(source.environment));
  const key = useWriteKey(sourceId, canSeeKey);
  const [tab, setTab] = useState(0);
  if (isPending) return <Spinner label="Loading source" />;
  if (error) return <ErrorState error={error} onRetry={() => refetch()} />;
  const type = sourceTypes.find((t) => t.id === source.type);
  const writeKey = canSeeKey ? (key.data ?? "…") : "YOUR_WRITE_KEY";
  const snippets = type?.installSnippet({ publicUrl: ws.publicUrl, writeKey }) ?? [];
  const snippet = snippets[tab] ?? snippets[0];

  if (source.type === "function")
    return (
      <Card title="Source function">
        <p className="text-sm text-slate-600">
          This source receives third-party webhooks through a source function: its inbound URL, code and
          settings are on the{" "}
          <Link href={`/${ws.slug}/functions`} className="text-brand-700 hover:underline">
            Functions
          </Link>{" "}
          page. The calls it makes appear in the Debugger tab like any event.
        </p>
      </Card>
    );

  return (
    <div className="space-y-6">
      {justCreated && (
        <p
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-800"
        >
          Source created. Install the snippet below, then open the Debugger tab to watch your first events
          arrive.
        </p>
      )}
      <Card title={`Install ${type?.library ?? "the library"}`}>
        {!canSeeKey && (
          <p className="mb-3 text-sm text-slate-600">
            Your role cannot see write keys; ask an owner or source admin for this source’s key.
          </p>
        )}
        {snippets.length > 1 && (
          <div className="mb-2 flex gap-1" role="tablist">
            {snippets.map((s, i) => (
              <button
                key={s.title + i}
                role="tab"
                type="button"
                aria-selected={i === tab}
                onClick={() => setTab(i)}
                className={`rounded px-2 py-1 text-xs ${i === tab ? "bg-slate-800 text-white dark:text-slate-50" : "bg-slate-100 text-slate-700"}`}
              >
                {s.title}
              </button>
            ))}
          </div>
        )}
        {snippet && (
          <div className="relative">
            <ScrollablePre className="overflow-x-auto rounded-md bg-code p-4 text-xs leading-relaxed text-code-foreground">
              <code data-testid="install-snippet">{snippet.code}</code>
            </ScrollablePre>
            <div className="absolute top-2 right-2">
              <CopyButton value={snippet.code} label="Copy snippet" />
            </div>
          </div>
        )}
      </Card>
    </div>
  );
}
