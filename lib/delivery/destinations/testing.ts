import { expect } from "vitest";
import type { MapResult, Message, OutboundRequest } from "@/lib/delivery/types";

// Shared helpers for the partner mapping tests: an enriched message as ingest stores it, and
// accessors that fail loudly when a mapping did not build a request.

export const AT = "2026-03-01T12:00:00.000Z";
export const AT_MS = Date.parse(AT);

export function msg(type: string, extra: Record<string, unknown> = {}): Message {
  return {
    type,
    messageId: "3f1c6a2e-8d4b-4c1a-9e2f-6b7a8c9d0e1f",
    userId: "user-12345",
    anonymousId: "anon-67890",
    timestamp: AT,
    originalTimestamp: AT,
    receivedAt: "2026-03-01T12:00:01.000Z",
    sentAt: AT,
    context: {
      ip: "203.0.113.9",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
      locale: "en-GB",
      page: { url: "https://shop.example.com/checkout", path: "/checkout" },
    },
    integrations: {},
    ...extra,
  };
}

export function req(result: MapResult): OutboundRequest {
  if (result.kind !== "request") throw new Error(`expected a request, got ${JSON.stringify(result)}`);
  return result.request;
}

// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
export function body(result: MapResult): any {
  return JSON.parse(req(result).body);
}

export function expectKind(result: MapResult, kind: MapResult["kind"]) {
  expect(result.kind).toBe(kind);
}

export const ok = (body: unknown, status = 200) => ({ status, headers: {}, body: JSON.stringify(body) });
