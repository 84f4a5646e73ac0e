import { describe, expect, it } from "vitest";
import { formatAbsolute, formatFull, formatRelative } from "@/components/ui/time-format";

const at = Date.parse("2026-12-04T13:05:07Z");

describe("the console's date-time format", () => {
  it("writes absolute times in the given zone, the year only when it is not this year", () => {
    expect(formatAbsolute(at, { now: at, timeZone: "Europe/Berlin" })).toBe("Dec 4, 14:05");
    expect(formatAbsolute(at, { now: at, timeZone: "America/New_York" })).toBe("Dec 4, 08:05");
    expect(formatAbsolute(at, { now: at, timeZone: "UTC", seconds: true })).toBe("Dec 4, 13:05:07");
    expect(formatAbsolute(at, { now: Date.parse("2027-01-02T00:00:00Z"), timeZone: "UTC" })).toBe(
      "Dec 4, 2026, 13:05",
    );
    expect(formatAbsolute(at, { timeZone: "UTC", timeOnly: true })).toBe("13:05");
    expect(formatAbsolute("not a date")).toBe("—");
  });

  it("writes recent times relative, and falls back to absolute after a week", () => {
    expect(formatRelative(at - 3_000, at)).toBe("just now");
    expect(formatRelative(at - 42_000, at)).toBe("42 s ago");
    expect(formatRelative(at - 3 * 60_000, at)).toBe("3 min ago");
    expect(formatRelative(at - 5 * 3_600_000, at)).toBe("5 h ago");
    expect(formatRelative(at - 2 * 86_400_000, at)).toBe("2 d ago");
    expect(formatRelative(at + 3 * 60_000, at)).toBe("in 3 min");
    expect(formatRelative(at - 8 * 86_400_000, at, "UTC")).toBe("Nov 26, 13:05");
  });

  it("names the time zone in the hover text", () => {
    expect(formatFull(at, "Europe/Berlin")).toBe(
      "Friday, December 4, 2026 at 14:05:07 GMT+1 (Europe/Berlin)",
    );
    expect(formatFull(at, "UTC")).toBe("Friday, December 4, 2026 at 13:05:07 UTC (UTC)");
  });
});
