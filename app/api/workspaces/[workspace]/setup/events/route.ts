// GET /api/workspaces/:workspace/setup/events - live setup state (Server-Sent Events: "state" on every change)
import { withWorkspace } from "@/lib/api/with-workspace";
import { setupEventsStream } from "@/lib/use-cases/stream";

export const dynamic = "force-dynamic";

export const GET = withWorkspace("setup.read", async ({ req, access }) => {
  return new Response(setupEventsStream(access, req.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
