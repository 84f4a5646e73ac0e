import {
  anonymousId,
  eventTimeMs,
  isObject,
  joinUrl,
  json,
  num,
  properties,
  setting,
  str,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// GA4 Measurement Protocol: POST {baseUrl}/mp/collect?measurement_id=G-…&api_secret=… with
// { client_id, user_id, timestamp_micros, events: [{ name, params }] }. client_id is the
// anonymousId (userId when there is none). Segment's ecommerce events become GA4's recommended
// events (Order Completed -> purchase, ...) with items; other track events are snake_cased; page
// becomes page_view. GA4 always answers 2xx (it validates only on /debug/mp/collect) and has no
// event id, so repeats after a lost acknowledgement are counted twice.

const RECOMMENDED: Record<string, string> = {
  "Order Completed": "purchase",
  "Order Refunded": "refund",
  "Product Added": "add_to_cart",
  "Product Removed": "remove_from_cart",
  "Product Viewed": "view_item",
  "Product List Viewed": "view_item_list",
  "Product Clicked": "select_item",
  "Product Added to Wishlist": "add_to_wishlist",
  "Products Searched": "search",
  "Cart Viewed": "view_cart",
  "Checkout Started": "begin_checkout",
  "Payment Info Entered": "add_payment_info",
  "Promotion Viewed": "view_promotion",
  "Promotion Clicked": "select_promotion",
  "Signed Up": "sign_up",
  "Signed In": "login",
};

const RESERVED_NAMES = new Set([
  "ad_activeview",
  "ad_click",
  "ad_exposure",
  "ad_impression",
  "ad_query",
  "ad_reward",
  "adunit_exposure",
  "app_background",
  "app_clear_data",
  "app_exception",
  "app_remove",
  "app_store_refund",
  "app_store_subscription_cancel",
  "app_store_subscription_convert",
  "app_store_subscription_renew",
  "app_update",
  "app_upgrade",
  "dynamic_link_app_open",
  "dynamic_link_app_update",
  "dynamic_link_first_open",
  "error",
  "first_open",
  "first_visit",
  "in_app_purchase",
  "notification_dismiss",
  "notification_foreground",
  "notification_open",
  "notification_receive",
  "os_update",
  "session_start",
  "session_start_with_rollout",
  "user_engagement",
]);

export const snakeCase = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase()
    .slice(0, 40);

function item(p: Record<string, unknown>) {
  return JSON.parse(
    JSON.stringify({
      item_id: str(p.product_id) ?? str(p.sku),
      item_name: str(p.name),
      item_category: str(p.category),
      item_brand: str(p.brand),
      item_variant: str(p.variant),
      price: num(p.price),
      quantity: num(p.quantity),
      coupon: str(p.coupon),
      index: num(p.position),
    }),
  ) as Record<string, unknown>;
}

function params(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (Object.keys(out).length >= 25) break;
    if (typeof v === "number" && Number.isFinite(v)) out[snakeCase(k)] = v;
    else if (typeof v === "string") out[snakeCase(k)] = v.slice(0, 100);
    else if (typeof v === "boolean") out[snakeCase(k)] = String(v);
  }
  const value = num(props.revenue) ?? num(props.total) ?? num(props.value) ?? num(props.price);
  if (value !== undefined) out.value = value;
  if (str(props.order_id)) out.transaction_id = str(props.order_id);
  if (str(props.query)) out.search_term = str(props.query);
  const products = Array.isArray(props.products) ? props.products.filter(isObject) : [];
  if (products.length) out.items = products.map(item);
  else if (str(props.product_id) || str(props.sku)) out.items = [item(props)];
  return out;
}

export const googleAnalytics4Mapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const clientId = anonymousId(m) ?? userId(m);
    if (!clientId) return invalid("GA4 needs an anonymousId or userId for client_id");
    const props = properties(m);
    let event: { name: string; params: Record<string, unknown> };
    if (m.type === "page") {
      event = {
        name: "page_view",
        params: JSON.parse(
          JSON.stringify({
            page_location: str(props.url),
            page_title: str(props.title) ?? str(m.name),
            page_referrer: str(props.referrer),
          }),
        ),
      };
    } else {
      const source = str(m.event) ?? "";
      const name = RECOMMENDED[source] ?? snakeCase(source);
      if (
        !/^[A-Za-z][A-Za-z0-9_]*$/.test(name) ||
        RESERVED_NAMES.has(name) ||
        /^(ga_|google_|firebase_)/.test(name)
      )
        return invalid(`"${source}" is not a valid GA4 event name (${name || "empty"})`);
      event = { name, params: params(props) };
    }
    const url = new URL(
      joinUrl(setting(settings, "baseUrl") || "https://www.google-analytics.com", "/mp/collect"),
    );
    url.searchParams.set("measurement_id", setting(settings, "measurementId"));
    url.searchParams.set("api_secret", setting(settings, "apiSecret"));
    const user = userId(m);
    return request({
      method: "POST",
      url: url.toString(),
      headers: { "content-type": "application/json" },
      body: json({
        client_id: clientId,
        ...(user ? { user_id: user } : {}),
        timestamp_micros: eventTimeMs(m) * 1000,
        events: [event],
      }),
    });
  },
};
