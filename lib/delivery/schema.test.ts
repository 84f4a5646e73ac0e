import { describe, expect, it } from "vitest";
import { retryWindow } from "@/lib/delivery/schema";

describe("retry window", () => {
  it("takes ISO date-times and answers epoch ms", () => {
    expect(retryWindow.parse({ from: "2026-03-01T10:00:00Z", to: "2026-03-01T12:30:00+01:00" })).toEqual({
      from: Date.parse("2026-03-01T10:00:00Z"),
      to: Date.parse("2026-03-01T11:30:00Z"),
    });
  });

  it("refuses reversed, empty, unparseable and huge windows", () => {
    expect(retryWindow.safeParse({ from: "2026-03-01T11:00:00Z", to: "2026-03-01T10:00:00Z" }).success).toBe(
      false,
    );
    expect(retryWindow.safeParse({ from: "2026-03-01T10:00:00Z", to: "2026-03-01T10:00:00Z" }).success).toBe(
      false,
    );
    expect(retryWindow.safeParse({ from: "yesterday", to: "2026-03-01T10:00:00Z" }).success).toBe(false);
    expect(retryWindow.safeParse({ from: "2025-01-01T00:00:00Z", to: "2026-03-01T10:00:00Z" }).success).toBe(
      false,
    );
    expect(retryWindow.safeParse({}).success).toBe(false);
  });
});
