import { NextResponse } from "next/server";
import { clientAddress, retryAfterAny, throttleKey } from "@/lib/auth/throttle";
import { env } from "@/lib/env";

/**
 * Before next-auth checks a password: 429 with Retry-After (JSON) while the account or the client
 * address is locked by earlier failures (lib/auth/throttle.ts). null lets the sign-in go on.
 * The body also carries next-auth's `url` so its client library can read the answer.
 */
export async function throttledSignIn(req: Request): Promise<Response | null> {
  let email = "";
  try {
    const form = await req.clone().formData();
    email = String(form.get("email") ?? "");
  } catch {
    return null; // next-auth answers malformed bodies itself
  }
  const keys = [throttleKey("client", clientAddress(req.headers))];
  if (email) keys.push(throttleKey("account", email));
  const wait = await retryAfterAny(keys);
  if (wait === 0) return null;
  const message = `Too many sign-in attempts. Try again in ${wait} second${wait === 1 ? "" : "s"}.`;
  return NextResponse.json(
    {
      error: { code: "rate_limited", message, retryAfter: wait },
      url: `${env().PUBLIC_URL}/login?error=rate_limited`,
    },
    { status: 429, headers: { "retry-after": String(wait), "cache-control": "no-store" } },
  );
}
