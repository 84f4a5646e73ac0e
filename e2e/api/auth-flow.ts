import { baseUrl } from "@/e2e/api/support";

// Signs in through next-auth's real endpoints, as the login form does (csrf token, then the
// credentials callback with json=true), and keeps the cookies it sets.

export interface SignInResult {
  status: number;
  /** Where next-auth would send the browser (redirect callback applied). */
  url: string | null;
  /** The session cookie ("next-auth.session-token=...") when sign-in succeeded. */
  session: string | null;
  body: Record<string, unknown>;
  headers: Headers;
}

function cookiesOf(res: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const idx = pair!.indexOf("=");
    jar.set(pair!.slice(0, idx), pair!.slice(idx + 1));
  }
  return jar;
}

export async function signInWithPassword(
  email: string,
  password: string,
  opts: { callbackUrl?: string; headers?: Record<string, string> } = {},
): Promise<SignInResult> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`, { headers: opts.headers });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = [...cookiesOf(csrfRes)].map(([k, v]) => `${k}=${v}`).join("; ");
  const form = new URLSearchParams({ csrfToken, email, password, json: "true" });
  if (opts.callbackUrl) form.set("callbackUrl", opts.callbackUrl);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: baseUrl,
      cookie: csrfCookie,
      ...opts.headers,
    },
    body: form,
    redirect: "manual",
  });
  const jar = cookiesOf(res);
  const token = jar.get("next-auth.session-token");
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch {}
  const url = (body.url as string | undefined) ?? res.headers.get("location");
  return {
    status: res.status,
    url: url ?? null,
    session: token ? `next-auth.session-token=${token}` : null,
    body,
    headers: res.headers,
  };
}
