import { type DebuggerFilter, toRecentFilter } from "@/lib/debugger/filter";
import { DEFAULT_VIEWER_OPTIONS, Viewer, type ViewerOptions } from "@/lib/debugger/viewer";
import { archiveReader } from "@/lib/ingest/archive-reader";
import { rowToTapEvent } from "@/lib/ingest/store";
import { getTap, type TapEvent } from "@/lib/tap";

export const DEBUGGER_CAP = 500;

/**
 * The debugger's Server-Sent Events stream for one source. Subscribes to the tap first (so
 * nothing committed meanwhile is missed), then sends the archive: after `lastEventId` when the
 * browser reconnects (no gap, no duplicate), else the last 500 *matching* events. Then live.
 */
export function debuggerStream(opts: {
  sourceId: string;
  filter: DebuggerFilter;
  lastEventId: number | null;
  signal: AbortSignal;
  viewer?: Partial<ViewerOptions>;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const write = (chunk: string) => {
          try {
            controller.enqueue(encoder.encode(chunk));
            return (controller.desiredSize ?? 1) > 0;
          } catch {
            return false; // closed underneath us
          }
        };
        const viewer = new Viewer(opts.filter, write, { ...DEFAULT_VIEWER_OPTIONS, ...opts.viewer });
        const pending: TapEvent[] = [];
        let live = false;
        const unsubscribe = getTap().subscribe(opts.sourceId, (e) =>
          live ? viewer.onEvent(e) : pending.push(e),
        );
        cleanup = () => {
          unsubscribe();
          viewer.close();
        };
        opts.signal.addEventListener("abort", () => {
          cleanup();
          try {
            controller.close();
          } catch {}
        });
        write("retry: 2000\n\n");
        const goLive = (found: Parameters<typeof rowToTapEvent>[0][]) => {
          viewer.sendBacklog(found.slice().reverse().map(rowToTapEvent));
          live = true;
          for (const e of pending) viewer.onEvent(e);
          pending.length = 0;
          viewer.start();
        };
        const found = archiveReader().recent(
          opts.sourceId,
          toRecentFilter(opts.filter, DEBUGGER_CAP, opts.lastEventId ?? undefined),
        );
        if (!(found instanceof Promise)) return goLive(found);
        // PostgreSQL: the backlog arrives asynchronously; live events wait in `pending` meanwhile.
        found.then(goLive, (err) => {
          console.error("[switchyard] debugger backlog failed:", err);
          cleanup();
          try {
            controller.error(err);
          } catch {}
        });
      },
      cancel() {
        cleanup();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 256 }),
  );
}
