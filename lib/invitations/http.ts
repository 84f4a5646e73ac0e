import { assertSameOriginJson } from "@/lib/api/csrf";
import { json } from "@/lib/api/with-workspace";
import { env } from "@/lib/env";
import { toErrorResponse } from "@/lib/errors";
import { InvitationGone } from "@/lib/invitations/state";

// The invitation-link routes answer 410 Gone for used, revoked and expired links, which the shared
// error mapper has no code for; these wrappers add that one case and defer to it for the rest.

export async function withGone(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvitationGone) return json(err.body, 410);
    throw err;
  }
}

type Ctx = { params: Promise<Record<string, string>> };

/** For the routes anyone holding a link may call: no session, JSON errors, 410 for dead links. */
export function publicInvitationRoute(handler: (args: { req: Request; token: string }) => Promise<Response>) {
  return async (req: Request, ctx: Ctx) => {
    try {
      assertSameOriginJson(req, env().PUBLIC_URL);
      const { token = "" } = await ctx.params;
      return await withGone(() => handler({ req, token }));
    } catch (err) {
      const { status, body, headers } = toErrorResponse(err);
      return json(body, { status, headers });
    }
  };
}
