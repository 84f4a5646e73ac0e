// GET /api/workspaces/:workspace/setup/events - live setup state (Server-Sent Events: "state" on every change)
import { withWorkspace } from "@/lib/api/with-workspace";
import { watchAccess } from "@/lib/auth/stream-access";
import { setupEventsStream } from "@/lib/use-cases/stream";

export const dynamic = "force-dynamic";

export const GET = withWorkspace("setup.read", async ({ req, access }) => {
  // Closes within seconds of the viewer losing access (removed, signed out everywhere).
  return new Response(setupEventsStream(access, watchAccess(access, "setup.read", req.signal)), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
