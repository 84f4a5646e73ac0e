import { expect, type Page } from "@playwright/test";

// Helpers for the Source Debugger specs: a source in the demo workspace and its tracking API.

export async function createSource(page: Page, name: string) {
  const res = await page.request.post("/api/workspaces/demo/sources", {
    data: { name, type: "website", environment: "dev" },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { source: { id: string }; writeKey: string };
}

export function sender(page: Page, writeKey: string) {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  return {
    track: (body: Record<string, unknown>) =>
      page.request.post("/v1/track", { headers: { authorization: auth }, data: body }),
    batch: (batch: Record<string, unknown>[]) =>
      page.request.post("/v1/batch", { headers: { authorization: auth }, data: { batch } }),
  };
}
