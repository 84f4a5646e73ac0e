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
