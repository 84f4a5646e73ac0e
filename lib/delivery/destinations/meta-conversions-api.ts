import {
  compact,
  context,
  eventTimeSeconds,
  isObject,
  joinUrl,
  json,
  messageId,
  num,
  obj,
  parseBody,
  properties,
  setting,
  sha256Hex,
  str,
  traits,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings, Verdict } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// Meta Conversions API: POST {baseUrl}/{apiVersion}/{pixelId}/events?access_token=… with
// { data: [{ event_name, event_time (s), event_id, action_source, event_source_url, user_data,
// custom_data }], test_event_code }. event_id = messageId, which Meta uses to deduplicate against
// the browser pixel and repeats. Customer information is normalized and SHA-256 hashed as Meta
// requires (em, ph, fn, ln, external_id); IP and user agent are sent as they are. Segment's
// ecommerce events become Meta's standard events; page becomes PageView; other track events are
// sent as custom events under their own name.

const STANDARD: Record<string, string> = {
  "Order Completed": "Purchase",
  "Product Added": "AddToCart",
  "Product Viewed": "ViewContent",
  "Checkout Started": "InitiateCheckout",
  "Products Searched": "Search",
  "Signed Up": "CompleteRegistration",
  "Product Added to Wishlist": "AddToWishlist",
  "Payment Info Entered": "AddPaymentInfo",
  "Lead Generated": "Lead",
  "Subscription Started": "Subscribe",
  "Trial Started": "StartTrial",
};

const hash = (v: string | undefined, normalize: (s: string) => string) => {
  const n = v === undefined ? "" : normalize(v);
  return n ? [sha256Hex(n)] : undefined;
};
const lower = (s: string) => s.trim().toLowerCase();

function customData(props: Record<string, unknown>) {
  const products = Array.isArray(props.products) ? props.products.filter(isObject) : [];
  const ids = products.length
    ? products.map((p) => str(p.product_id) ?? str(p.sku)).filter(Boolean)
    : [str(props.product_id) ?? str(props.sku)].filter(Boolean);
  return compact({
    value: num(props.revenue) ?? num(props.total) ?? num(props.value) ?? num(props.price),
    currency: str(props.currency)?.toUpperCase(),
    content_ids: ids.length ? ids : undefined,
    contents: products.length
      ? products.map((p) =>
          compact({
            id: str(p.product_id) ?? str(p.sku),
            quantity: num(p.quantity),
            item_price: num(p.price),
          }),
        )
      : undefined,
    content_type: ids.length ? "product" : undefined,
    content_name: str(props.name),
    content_category: str(props.category),
    order_id: str(props.order_id),
    num_items: products.length ? products.reduce((n, p) => n + (num(p.quantity) ?? 1), 0) : undefined,
    search_string: str(props.query),
  });
}

export const metaConversionsApiMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const ctx = context(m);
    const t = traits(m);
    const actionSource = setting(settings, "actionSource") || "website";
    const userAgent = str(ctx.userAgent);
    if (actionSource === "website" && !userAgent)
      return invalid("Meta needs context.userAgent for website events (or choose another action source)");
    const props = properties(m);
    const sourceUrl = str(obj(ctx.page).url) ?? str(props.url);
    const event = compact({
      event_name: m.type === "page" ? "PageView" : (STANDARD[str(m.event) ?? ""] ?? str(m.event) ?? ""),
      event_time: eventTimeSeconds(m),
      event_id: messageId(m),
      action_source: actionSource,
      event_source_url: sourceUrl,
      user_data: compact({
        em: hash(str(t.email), lower),
        ph: hash(str(t.phone), (s) => s.replace(/\D/g, "")),
        fn: hash(str(t.firstName) ?? str(t.first_name), lower),
        ln: hash(str(t.lastName) ?? str(t.last_name), lower),
        external_id: hash(userId(m), (s) => s.trim()),
        client_ip_address: str(ctx.ip),
        client_user_agent: userAgent,
      }),
      custom_data: m.type === "track" ? customData(props) : undefined,
    });
    const url = new URL(
      joinUrl(
        setting(settings, "baseUrl") || "https://graph.facebook.com",
        `/${setting(settings, "apiVersion") || "v23.0"}/${setting(settings, "pixelId")}/events`,
      ),
    );
    url.searchParams.set("access_token", setting(settings, "accessToken"));
    const testCode = setting(settings, "testEventCode");
    return request({
      method: "POST",
      url: url.toString(),
      headers: { "content-type": "application/json" },
      body: json({ data: [event], ...(testCode ? { test_event_code: testCode } : {}) }),
    });
  },
  classify(response): Verdict | undefined {
    const body = parseBody(response.body) as
      | { events_received?: unknown; error?: { code?: unknown; message?: unknown; is_transient?: unknown } }
      | undefined;
    if (response.status >= 200 && response.status < 300) {
      if (body?.events_received === 0)
        return {
          ok: false,
          retry: false,
          errorType: "partner_error",
          message: `Meta received no events: ${response.body.slice(0, 300)}`,
        };
      return undefined;
    }
    const error = body?.error;
    if (!error) return undefined;
    const message = `HTTP ${response.status}: ${String(error.message ?? "")} (code ${String(error.code)})`;
    // Graph API throttling comes back as 400 with these codes; expired or wrong tokens as 190.
    if ([4, 17, 32, 613, 80004].includes(Number(error.code)) || error.is_transient === true)
      return { ok: false, retry: true, errorType: "rate_limited", message };
    if (Number(error.code) === 190) return { ok: false, retry: false, errorType: "unauthorized", message };
    return undefined;
  },
};
