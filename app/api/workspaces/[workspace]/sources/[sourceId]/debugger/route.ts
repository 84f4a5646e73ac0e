// GET /api/workspaces/:workspace/sources/:sourceId/debugger - live events of a source (Server-Sent Events)
import { withWorkspace } from "@/lib/api/with-workspace";
import { watchAccess } from "@/lib/auth/stream-access";
import { parseDebuggerFilter } from "@/lib/debugger/filter";
import { debuggerStream } from "@/lib/debugger/stream";
import { getSource } from "@/lib/sources/queries";

export const dynamic = "force-dynamic";

export const GET = withWorkspace("debugger.read", async ({ req, params, access }) => {
  const source = await getSource(access, params.sourceId!);
  const url = new URL(req.url);
  const filter = parseDebuggerFilter(url.searchParams);
  const header = req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId");
  const lastEventId = header && /^\d+$/.test(header) ? Number(header) : null;
  // Closes within seconds of the viewer losing access (removed, role or labels changed, signed out).
  const signal = watchAccess(access, "debugger.read", req.signal);
  const stream = debuggerStream({ sourceId: source.id, filter, lastEventId, signal });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
