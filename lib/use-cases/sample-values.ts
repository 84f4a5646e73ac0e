// Example values for the suggested properties, so a copied tracking-plan snippet runs as is and
// shows the type each property should have (the reference lists names only).

export type SampleValue = string | number | boolean | SampleValue[] | { [key: string]: SampleValue };

const EXACT: Record<string, SampleValue> = {
  affiliation: "Online store",
  build: "3.1.0 (42)",
  category: "Guides",
  checkout_id: "chk_7b2c",
  coupon: "WINBACK10",
  discount: 2.5,
  email: "jane.kim@example.com",
  first_name: "Jane",
  flow_name: "Getting started",
  from_background: false,
  last_name: "Kim",
  num_items: 2,
  order_id: "ord_50314b8e",
  page_category: "Docs",
  page_name: "Pricing",
  pct_completed: 50,
  pct_scrolled: 75,
  product_brand: "Acme",
  product_category: "Shoes",
  product_id: "sku_123",
  product_name: "Trail Runner",
  product_price: 89.99,
  products: [{ product_id: "sku_123", name: "Trail Runner", price: 89.99, quantity: 1 }],
  referring_application: "com.example.mail",
  revenue: 179.98,
  screen_id: "home",
  screen_title: "Home",
  screen_type: "feed",
  shipping: 5,
  step_name: "Invite your team",
  step_number: 2,
  tax: 14.4,
  total: 199.38,
  total_steps: 4,
  username: "janekim",
  version: "3.1.0",
};

/** A plausible value for a property name (numbers for amounts and counts, text otherwise). */
export function sampleValue(property: string): SampleValue {
  const known = EXACT[property];
  if (known !== undefined) return known;
  if (/(^|_)(id|name|type|title)$/.test(property)) return `${property}_1`;
  if (/(^|_)(price|total|revenue|amount|value|count|number|num|pct|quantity)(_|$)/.test(property)) return 1;
  if (/^(is|has)_/.test(property)) return true;
  return "…";
}

export function sampleProperties(properties: readonly string[]): Record<string, SampleValue> {
  return Object.fromEntries(properties.map((p) => [p, sampleValue(p)]));
}
