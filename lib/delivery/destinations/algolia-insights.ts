import {
  anonymousId,
  compact,
  eventTimeMs,
  isObject,
  joinUrl,
  json,
  jsonHeaders,
  num,
  properties,
  safeId,
  setting,
  str,
  userId,
} from "@/lib/delivery/destinations/util";
import type { DestinationMapping, Message, Settings } from "@/lib/delivery/types";
import { invalid, request, unsupported } from "@/lib/delivery/types";

// Algolia Insights API: POST {baseUrl}/1/events { events: [event] } with X-Algolia-Application-Id
// and X-Algolia-API-Key. Segment's ecommerce events map to Insights events:
//   Product Clicked -> click (with queryID and positions after a search)
//   Product Viewed  -> view
//   Product Added   -> conversion, eventSubtype addToCart
//   Order Completed -> conversion, eventSubtype purchase (objectIDs from products, max 20)
// They need properties.index and object IDs (product_id); other events have no equivalent.
// userToken is the anonymousId (userId when absent), authenticatedUserToken the userId.

const TOKEN = /^[A-Za-z0-9_=/+-]{1,129}$/;

const KINDS: Record<string, { eventType: string; eventSubtype?: string }> = {
  "Product Clicked": { eventType: "click" },
  "Product Viewed": { eventType: "view" },
  "Product Added": { eventType: "conversion", eventSubtype: "addToCart" },
  "Order Completed": { eventType: "conversion", eventSubtype: "purchase" },
};

export const algoliaInsightsMapping: DestinationMapping = {
  build(m: Message, settings: Settings) {
    const name = str(m.event) ?? "";
    const kind = KINDS[name];
    if (!kind) return unsupported(`Algolia Insights has no equivalent for "${name}"`);
    const props = properties(m);
    const index = str(props.index);
    if (!index) return invalid(`Algolia Insights needs properties.index on "${name}"`);
    const products = Array.isArray(props.products) ? props.products.filter(isObject) : [];
    const items = products.length ? products : [props];
    const objectIDs = items
      .map((p) => str(p.product_id) ?? str(p.objectID) ?? str(p.sku))
      .filter((id): id is string => !!id);
    if (objectIDs.length === 0) return invalid(`Algolia Insights needs a product_id on "${name}"`);
    const user = userId(m);
    const token = anonymousId(m) ?? user;
    if (!token) return invalid("Algolia Insights needs an anonymousId or userId");
    const queryID = str(props.queryID) ?? str(props.query_id);
    const position = num(props.position);
    if (kind.eventType === "click" && queryID && position === undefined)
      return invalid("Algolia click events after a search need properties.position");
    const conversion = kind.eventType === "conversion";
    const event = compact({
      ...kind,
      eventName: name,
      index,
      objectIDs: objectIDs.slice(0, 20),
      userToken: safeId(token, TOKEN, 64),
      authenticatedUserToken: user ? safeId(user, TOKEN, 64) : undefined,
      timestamp: eventTimeMs(m),
      queryID,
      positions: kind.eventType === "click" && queryID ? [position] : undefined,
      objectData: conversion
        ? items
            .slice(0, 20)
            .map((p) =>
              compact({ price: num(p.price), quantity: num(p.quantity), discount: num(p.discount) }),
            )
        : undefined,
      value: conversion ? (num(props.revenue) ?? num(props.total) ?? num(props.value)) : undefined,
      currency: conversion ? str(props.currency) : undefined,
    });
    return request({
      method: "POST",
      url: joinUrl(setting(settings, "baseUrl") || "https://insights.us.algolia.io", "/1/events"),
      headers: jsonHeaders({
        "x-algolia-application-id": setting(settings, "applicationId"),
        "x-algolia-api-key": setting(settings, "apiKey"),
      }),
      body: json({ events: [event] }),
    });
  },
};
