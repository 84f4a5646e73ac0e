import { basicAuth } from "@/lib/ingest/testing/fixtures";

// Small HTTP helpers for the ingest tests: real requests through fetch.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON answers
  json: any;
}

export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function post(
  base: string,
  path: string,
  body: unknown,
  opts: { writeKey?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.writeKey) headers.authorization = basicAuth(opts.writeKey);
  const payload = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  return request(`${base}${path}`, { method: "POST", body: payload as BodyInit, headers });
}

/** The answer to a request whose source's settings (privacy, Protocols) could not be read. */
export const SETTINGS_UNREADABLE = {
  status: 503,
  error: { code: "unavailable", message: "Could not read the source's settings; retry later" },
} as const;

/** A minimal /v1/track call with this messageId, answered as status and error (if any). */
export async function trackOnce(base: string, writeKey: string, messageId: string) {
  const reply = await post(base, "/v1/track", { userId: "u", event: "Signed Up", messageId }, { writeKey });
  return reply.status === 200 ? { status: 200 } : { status: reply.status, error: reply.json?.error };
}
