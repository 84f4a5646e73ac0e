import {
  anonymousId,
  basicAuth,
  eventName,
  eventTimeMs,
  eventTimeSeconds,
  joinUrl,
  json,
  jsonHeaders,
  messageId,
  num,
  properties,
  setting,
  str,
  traits,
  ulidFor,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// Customer.io Track API v1, HTTP Basic auth (site ID : Track API key).
//   identify          -> PUT  /api/v1/customers/{userId} { ...traits, email, created_at (s) }
//   track/page/screen -> POST /api/v1/customers/{userId}/events
//                        { name, type: event|page|screen, data, timestamp (s), id }
//   anonymous         -> POST /api/v1/events { name, type, anonymous_id, data, timestamp, id }
// Page and screen events are named after the page/screen (the URL when a page has no name), as
// Customer.io expects. `id` must be a ULID: one is derived from the event time and messageId,
// so a repeat carries the same id and Customer.io drops it.

function base(settings: Settings) {
  return setting(settings, "baseUrl") || "https://track.customer.io";
}

function auth(settings: Settings) {
  return { authorization: basicAuth(setting(settings, "siteId"), setting(settings, "apiKey")) };
}

function createdAtSeconds(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) return n > 1e11 ? Math.floor(n / 1000) : Math.floor(n);
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
}

export const customerioMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const user = userId(m);
    const path = (p: string) => joinUrl(base(settings), p);
    if (m.type === "identify") {
      if (!user) return invalid("Customer.io identifies people by userId");
      const { createdAt, created_at, ...rest } = traits(m);
      const created = createdAtSeconds(created_at ?? createdAt);
      return request({
        method: "PUT",
        url: path(`/api/v1/customers/${encodeURIComponent(user)}`),
        headers: jsonHeaders(auth(settings)),
        body: json({ ...rest, ...(created !== undefined ? { created_at: created } : {}) }),
      });
    }
    const props = properties(m);
    const type = m.type === "page" ? "page" : m.type === "screen" ? "screen" : "event";
    const name =
      type === "event"
        ? (str(m.event) ?? "")
        : (str(m.name) ?? (type === "page" ? str(props.url) : undefined) ?? eventName(m));
    const event = {
      name,
      type,
      data: props,
      timestamp: eventTimeSeconds(m),
      id: ulidFor(messageId(m), eventTimeMs(m)),
    };
    if (user)
      return request({
        method: "POST",
        url: path(`/api/v1/customers/${encodeURIComponent(user)}/events`),
        headers: jsonHeaders(auth(settings)),
        body: json(event),
      });
    const anon = anonymousId(m);
    if (!anon) return invalid("Customer.io events need a userId or anonymousId");
    return request({
      method: "POST",
      url: path("/api/v1/events"),
      headers: jsonHeaders(auth(settings)),
      body: json({ ...event, anonymous_id: anon }),
    });
  },
};
