import {
  anonymousId,
  compact,
  context,
  eventTimeMs,
  joinUrl,
  json,
  jsonHeaders,
  messageId,
  num,
  obj,
  parseBody,
  properties,
  setting,
  str,
  traits,
  userId,
  viewEventName,
} from "@/lib/delivery/destinations/util";
import { verdictForStatus } from "@/lib/delivery/errors";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// Amplitude HTTP V2 API: POST {baseUrl}/2/httpapi { api_key, events: [event], options }.
// insert_id = messageId, so Amplitude drops a repeat of the same event for 7 days.
//   track    -> event_type = event, event_properties = properties
//   identify -> event_type "$identify", user_properties { $set: traits }
//   page     -> "Viewed <name> Page" ("Loaded a Page" without a name); screen likewise
// Amplitude needs user_id or device_id (anonymousId) of at least minIdLength characters.

function eventFor(m: Message): Record<string, unknown> {
  const props = properties(m);
  if (m.type === "identify") return { event_type: "$identify", user_properties: { $set: traits(m) } };
  if (m.type === "track")
    return compact({
      event_type: str(m.event) ?? "",
      event_properties: props,
      price: num(props.price),
      quantity: num(props.quantity),
      revenue: num(props.revenue),
      productId: str(props.product_id) ?? str(props.productId),
      revenueType: str(props.revenueType) ?? str(props.revenue_type),
    });
  return {
    event_type: viewEventName(m),
    event_properties: { ...props, ...(str(m.name) ? { name: m.name } : {}) },
  };
}

export const amplitudeMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const minIdLength = typeof settings.minIdLength === "number" ? settings.minIdLength : 5;
    const user = userId(m);
    const device = anonymousId(m);
    const long = (id: string | undefined) => id !== undefined && id.length >= minIdLength;
    if (!long(user) && !long(device))
      return invalid(`Amplitude needs a userId or anonymousId of at least ${minIdLength} characters`);
    const ctx = context(m);
    const os = obj(ctx.os);
    const device_ = obj(ctx.device);
    const location = obj(ctx.location);
    const sessionId = num(obj(obj(m.integrations).Amplitude).session_id);
    const event = compact({
      user_id: long(user) ? user : undefined,
      device_id: long(device) ? device : undefined,
      ...eventFor(m),
      time: eventTimeMs(m),
      insert_id: messageId(m),
      session_id: sessionId,
      ip: str(ctx.ip),
      language: str(ctx.locale),
      os_name: str(os.name),
      os_version: str(os.version),
      device_model: str(device_.model),
      device_manufacturer: str(device_.manufacturer),
      app_version: str(obj(ctx.app).version),
      country: str(location.country),
      city: str(location.city),
      library: "switchyard",
    });
    return request({
      method: "POST",
      url: joinUrl(setting(settings, "baseUrl") || "https://api2.amplitude.com", "/2/httpapi"),
      headers: jsonHeaders(),
      body: json({
        api_key: setting(settings, "apiKey"),
        events: [event],
        options: { min_id_length: minIdLength },
      }),
    });
  },
  classify(response) {
    // Amplitude repeats the status in { code }; a 2xx carrying another code is that error.
    const code = (parseBody(response.body) as { code?: unknown } | undefined)?.code;
    if (response.status >= 200 && response.status < 300 && typeof code === "number" && code >= 300)
      return verdictForStatus({ ...response, status: code }, Date.now());
    return undefined;
  },
};
