import { describe, expect, it } from "vitest";
import { boundedDistance, nearMiss, normalizeEventName } from "@/lib/use-cases/near-miss";

describe("near-miss event names", () => {
  it("ignores case, spaces, underscores and hyphens", () => {
    expect(normalizeEventName("order completed")).toBe(normalizeEventName("Order Completed"));
    expect(normalizeEventName("order_completed")).toBe("ordercompleted");
    expect(normalizeEventName(" Order-Completed ")).toBe("ordercompleted");
  });

  it("finds the name that was meant", () => {
    expect(nearMiss("Order Completed", ["Signed Up", "order completed"])).toBe("order completed");
    expect(nearMiss("Order Completed", ["ORDER_COMPLETED"])).toBe("ORDER_COMPLETED");
    expect(nearMiss("Order Completed", ["Order Complted"])).toBe("Order Complted");
    // An exact normalized match beats a typo seen more recently.
    expect(nearMiss("Order Completed", ["Order Complted", "order-completed"])).toBe("order-completed");
  });

  it("does not suggest the name itself or unrelated names", () => {
    expect(nearMiss("Order Completed", ["Order Completed"])).toBeNull();
    expect(nearMiss("Order Completed", ["Order Refunded", "Product Viewed"])).toBeNull();
    // Short names allow no typo: "Login" is not "Logout".
    expect(nearMiss("Login", ["Logon"])).toBeNull();
    expect(nearMiss("Login", ["login"])).toBe("login");
  });

  it("stops early on long, different names", () => {
    expect(boundedDistance("a".repeat(200), "b".repeat(200), 2)).toBe(3);
    expect(boundedDistance("kitten", "sitting", 3)).toBe(3);
  });
});
