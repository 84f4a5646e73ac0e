import { describe, expect, it } from "vitest";
import { RateLimiter, rateLimitHeaders } from "@/lib/ingest/rate-limit";

describe("RateLimiter", () => {
  it("is off at 0", () => {
    expect(new RateLimiter(0).take("s", 1_000_000, 0)).toBeNull();
  });

  it("allows a second's worth, then refills continuously", () => {
    const limiter = new RateLimiter(10);
    for (let i = 0; i < 10; i++) expect(limiter.take("s", 1, 1000)).toBeNull();
    expect(limiter.take("s", 1, 1000)?.retryAfterMs).toBe(100);
    expect(limiter.take("s", 1, 1100)).toBeNull();
    expect(limiter.take("other", 1, 1100)).toBeNull();
  });

  it("lets a batch larger than the bucket through when full, leaving it in debt", () => {
    const limiter = new RateLimiter(100);
    expect(limiter.take("s", 2500, 0)).toBeNull();
    const wait = limiter.take("s", 1, 1000);
    expect(wait?.retryAfterMs).toBe(23_010);
  });

  it("formats Retry-After in seconds and the reset as an epoch second", () => {
    expect(rateLimitHeaders({ retryAfterMs: 1500 }, 10, 1_700_000_000_000)).toEqual({
      "retry-after": "2",
      "x-ratelimit-limit": "10",
      "x-ratelimit-reset": "1700000002",
    });
  });
});
