import { createHmac } from "node:crypto";
import { json, messageId, setting } from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, OutboundRequest, Settings } from "@/lib/delivery/types";
import { request } from "@/lib/delivery/types";

// Webhook: POST of the message as JSON (or { batch: [...] } with batching on) to the URL, with
// the custom headers. With a signing secret, two signatures of the exact body bytes:
//   X-Signature:     hex HMAC-SHA1   (what Segment's webhook destination sends)
//   X-Signature-256: sha256=<hex HMAC-SHA256>
// Idempotency-Key carries the messageId (single messages) so receivers can drop repeats.

export function signatureHeaders(body: string, secret: string): Record<string, string> {
  return {
    "x-signature": createHmac("sha1", secret).update(body, "utf8").digest("hex"),
    "x-signature-256": `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`,
  };
}

function customHeaders(settings: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(settings.headers) ? settings.headers : [];
  for (const h of list as { key?: unknown; value?: unknown }[])
    if (typeof h?.key === "string" && typeof h.value === "string") out[h.key.toLowerCase()] = h.value;
  return out;
}

function post(body: string, settings: Settings, extra: Record<string, string>): OutboundRequest {
  const secret = setting(settings, "signingSecret");
  return {
    method: "POST",
    url: setting(settings, "url"),
    headers: {
      ...customHeaders(settings),
      "content-type": "application/json",
      ...extra,
      ...(secret ? signatureHeaders(body, secret) : {}),
    },
    body,
  };
}

export const webhookMapping: DestinationMapping = {
  build(message: Message, settings: Settings) {
    return request(post(json(message), settings, { "idempotency-key": messageId(message) }));
  },
  buildBatch(messages: Message[], settings: Settings) {
    return post(json({ batch: messages }), settings, {});
  },
  batching(settings: Settings) {
    if (settings.batching !== true) return null;
    const size = typeof settings.batchSize === "number" ? settings.batchSize : 100;
    const seconds = typeof settings.batchWindowSeconds === "number" ? settings.batchWindowSeconds : 10;
    return { size: Math.max(1, size), windowMs: Math.max(1, seconds) * 1000 };
  },
};
