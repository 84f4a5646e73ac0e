import {
  basicAuth,
  joinUrl,
  json,
  jsonHeaders,
  messageId,
  parseBody,
  setting,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { request } from "@/lib/delivery/types";

// Segment-compatible HTTP Tracking API forward: POST {baseUrl}/v1/batch with HTTP Basic auth
// (write key as user name, empty password) and { batch: [message], sentAt }, the way
// @segment/analytics-node posts. The message goes unchanged (its messageId is the receiver's
// deduplication key); a writeKey field, if one survived ingest, is dropped so ours never leaks.

export const httpTrackingApiMapping: DestinationMapping = {
  build(message: Message, settings: Settings) {
    const { writeKey: _drop, ...forwarded } = message;
    const sentAt = typeof message.receivedAt === "string" ? message.receivedAt : undefined;
    return request({
      method: "POST",
      url: joinUrl(setting(settings, "baseUrl") || "https://api.segment.io", "/v1/batch"),
      headers: jsonHeaders({
        authorization: basicAuth(setting(settings, "writeKey"), ""),
        "idempotency-key": messageId(message),
      }),
      body: json({ batch: [forwarded], ...(sentAt ? { sentAt } : {}) }),
    });
  },
  classify(response) {
    // Segment answers 200 { success: true }; a Switchyard receiver also reports rejected items.
    if (response.status < 200 || response.status >= 300) return undefined;
    const rejected = (parseBody(response.body) as { rejected?: unknown } | undefined)?.rejected;
    if ((typeof rejected === "number" && rejected > 0) || (Array.isArray(rejected) && rejected.length > 0))
      return {
        ok: false,
        retry: false,
        errorType: "partner_error",
        message: `The receiver rejected the message: ${response.body.slice(0, 300)}`,
      };
    return undefined;
  },
};
