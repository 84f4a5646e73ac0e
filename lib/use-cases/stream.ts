import { getTap } from "@/lib/tap";
import { setupState } from "@/lib/use-cases/service";
import type { WorkspaceAccess } from "@/lib/workspaces/access";

// The wizard's live view over Server-Sent Events: the whole setup state first, then again whenever
// it changes. Arrivals come from the ingest tap (pushed within ~100 ms of the commit). Delivery
// outcomes and sources or destinations created in another tab have no push channel yet, so the
// server also re-checks every few seconds and sends only when something differs.

export const RECHECK_MS = 2000;
const DEBOUNCE_MS = 100;
const HEARTBEAT_MS = 15_000;

export function setupEventsStream(access: WorkspaceAccess, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let last = "";
      let running = false;
      let again = false;
      let debounce: NodeJS.Timeout | null = null;
      const write = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          closed = true;
        }
      };
      const refresh = async () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            const text = JSON.stringify(await setupState(access));
            if (text !== last) {
              last = text;
              write(`event: state\ndata: ${text}\n\n`);
            }
          } while (again && !closed);
        } catch (err) {
          console.error("[switchyard] setup stream refresh failed:", err);
        } finally {
          running = false;
        }
      };
      const soon = () => {
        debounce ??= setTimeout(() => {
          debounce = null;
          void refresh();
        }, DEBOUNCE_MS);
      };
      const unsubscribe = getTap().subscribeWorkspace(access.workspace.id, soon);
      const timers = [setInterval(soon, RECHECK_MS), setInterval(() => write(": ping\n\n"), HEARTBEAT_MS)];
      cleanup = () => {
        closed = true;
        unsubscribe();
        for (const t of timers) clearInterval(t);
        if (debounce) clearTimeout(debounce);
      };
      signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {}
      });
      write("retry: 3000\n\n");
      void refresh();
    },
    cancel() {
      cleanup();
    },
  });
}
