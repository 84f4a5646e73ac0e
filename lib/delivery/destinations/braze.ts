import {
  anonymousId,
  compact,
  eventTimeIso,
  isObject,
  joinUrl,
  json,
  jsonHeaders,
  num,
  obj,
  parseBody,
  properties,
  setting,
  str,
  traits,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request } from "@/lib/delivery/types";

// Braze REST API: POST {baseUrl}/users/track with a Bearer REST API key and
// { attributes, events, purchases }. The user is external_id = userId, or for anonymous senders
// a user alias { alias_name: anonymousId, alias_label: "anonymous_id" }.
//   identify        -> attributes (Segment traits renamed: first_name, last_name, dob, home_city...)
//   track           -> events [{ name, time, properties, app_id }]
//   Order Completed -> purchases, one per product { product_id, currency, price, quantity }
// Braze answers 201 { message: "success" }; another message in a 2xx is a failure.

const STANDARD: Record<string, string> = {
  firstName: "first_name",
  first_name: "first_name",
  lastName: "last_name",
  last_name: "last_name",
  email: "email",
  phone: "phone",
  gender: "gender",
};

function attributes(t: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k === "birthday" || k === "address" || k === "name") continue;
    if (v === null || typeof v === "object") continue;
    out[STANDARD[k] ?? k] = v;
  }
  const birthday = str(t.birthday);
  if (birthday && !Number.isNaN(Date.parse(birthday)))
    out.dob = new Date(birthday).toISOString().slice(0, 10);
  const address = obj(t.address);
  if (str(address.country)) out.country = str(address.country);
  if (str(address.city)) out.home_city = str(address.city);
  return out;
}

export const brazeMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const user = userId(m);
    const anon = anonymousId(m);
    if (!user && !anon) return invalid("Braze needs a userId or anonymousId");
    const who = user
      ? { external_id: user }
      : { user_alias: { alias_name: anon, alias_label: "anonymous_id" }, _update_existing_only: false };
    const appId = setting(settings, "appId") || undefined;
    const time = eventTimeIso(m);
    const props = properties(m);
    let body: Record<string, unknown>;
    if (m.type === "identify") body = { attributes: [{ ...who, ...attributes(traits(m)) }] };
    else {
      const { _update_existing_only: _skip, ...id } = who as Record<string, unknown>;
      const products = Array.isArray(props.products) ? props.products.filter(isObject) : [];
      if (str(m.event) === "Order Completed" && products.length > 0) {
        const currency = (str(props.currency) ?? "USD").toUpperCase();
        body = {
          purchases: products.map((p) =>
            compact({
              ...id,
              app_id: appId,
              product_id: str(p.product_id) ?? str(p.sku) ?? str(p.name) ?? "unknown",
              currency,
              price: num(p.price) ?? 0,
              quantity: num(p.quantity) ?? 1,
              time,
              properties: compact({
                order_id: str(props.order_id),
                name: str(p.name),
                category: str(p.category),
              }),
            }),
          ),
        };
      } else
        body = {
          events: [compact({ ...id, app_id: appId, name: str(m.event) ?? "", time, properties: props })],
        };
    }
    return request({
      method: "POST",
      url: joinUrl(setting(settings, "baseUrl") || "https://rest.iad-01.braze.com", "/users/track"),
      headers: jsonHeaders({ authorization: `Bearer ${setting(settings, "apiKey")}` }),
      body: json(body),
    });
  },
  classify(response) {
    if (response.status < 200 || response.status >= 300) return undefined;
    const message = (parseBody(response.body) as { message?: unknown } | undefined)?.message;
    if (typeof message === "string" && message !== "success")
      return {
        ok: false,
        retry: false,
        errorType: "partner_error",
        message: `Braze: ${response.body.slice(0, 300)}`,
      };
    return undefined;
  },
};
