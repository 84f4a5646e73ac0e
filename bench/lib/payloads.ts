// What analytics.js actually posts to /v1/t: a ~600-byte track call with writeKey, sentAt and a
// unique messageId. "[<id>]" is replaced with a fresh id per request (bench/lib/run.ts), so
// nothing is a duplicate; the same bodies go to the bare baseline.

export function trackMessage(writeKey: string, suffix = ""): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: "track",
    event: "Order Completed",
    messageId: `ajs-next-[<id>]${suffix}`,
    anonymousId: "7c9f1a3e-54d2-4b8e-9c1f-2a6d8e0b4f17",
    userId: "user_48213",
    properties: { orderId: "ord_2291", total: 129.9, currency: "EUR", coupon: "SPRING", products: 3 },
    context: {
      library: { name: "analytics.js", version: "next-1.84.3" },
      locale: "en-GB",
      page: {
        path: "/checkout/complete",
        referrer: "",
        title: "Thank you",
        url: "https://shop.example.com/checkout/complete",
      },
      userAgent:
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    },
    integrations: {},
    timestamp: now,
    sentAt: now,
    writeKey,
  };
}

export function singleBody(writeKey: string): string {
  return JSON.stringify(trackMessage(writeKey));
}

export function batchBody(writeKey: string, size: number): string {
  const batch = Array.from({ length: size }, (_, i) => {
    const { writeKey: _omit, sentAt: _sent, ...message } = trackMessage(writeKey, `-${i}`);
    return message;
  });
  return JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey });
}
