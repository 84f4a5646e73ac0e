"use client";

import { useWorkspace } from "@/components/console/workspace-context";
import { useSource, useWriteKey } from "@/components/sources/use-sources";
import { CopyButton } from "@/components/ui/copy-button";

/** No event yet: show how to send one, with this source's write key when the viewer may see it. */
export function DebuggerEmpty({ sourceId }: { sourceId: string }) {
  const ws = useWorkspace();
  const { data: source } = useSource(sourceId);
  const canSee = Boolean(source && ws.can("sources.writeKey.read") && ws.inScope(source.environment));
  const key = useWriteKey(sourceId, canSee);
  const writeKey = canSee ? (key.data ?? "…") : "WRITE_KEY";
  const curl = `curl -u ${writeKey}: -H 'content-type: application/json' \\\n  -d '{"userId":"user-1","event":"Test Event","properties":{"hello":"world"}}' \\\n  ${ws.publicUrl}/v1/track`;
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8">
      <h2 className="text-base font-semibold">Waiting for the first event</h2>
      <p className="mt-1 text-sm text-slate-600">
        Events sent with this source’s write key appear here the moment they arrive. Install the snippet from
        the Overview tab, or send a test event:
      </p>
      <div className="relative mt-4">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls, so keyboard users must be able to focus it */}
        <pre tabIndex={0} className="overflow-x-auto rounded-md bg-code p-4 text-xs text-code-foreground">
          <code data-testid="curl-example">{curl}</code>
        </pre>
        <div className="absolute top-2 right-2">
          <CopyButton value={curl} label="Copy command" />
        </div>
      </div>
      {!canSee && (
        <p className="mt-2 text-xs text-slate-500">Ask an owner or source admin for the write key.</p>
      )}
    </div>
  );
}
