import { describe, expect, it } from "vitest";
import { eventTime, fullTime, shortTime } from "@/lib/debugger/time";

// Local-time constructors, so the expectations hold in any time zone.
const now = new Date(2026, 11, 4, 15, 30).getTime();

describe("debugger times", () => {
  it("shows the time of day for today, the date too otherwise, the year when not this year", () => {
    expect(shortTime(new Date(2026, 11, 4, 9, 5, 7).getTime(), now)).toBe("09:05:07");
    expect(shortTime(new Date(2026, 11, 3, 23, 59, 1).getTime(), now)).toBe("Dec 3, 23:59:01");
    expect(shortTime(new Date(2025, 0, 2, 8, 0, 0).getTime(), now)).toBe("Jan 2, 2025, 08:00:00");
  });

  it("writes the full local time with its offset and zone", () => {
    const at = new Date(2026, 11, 3, 14, 5, 9, 120).getTime();
    const full = fullTime(at, "Somewhere/Zone");
    expect(full).toMatch(/^2026-12-03T14:05:09\.120[+-]\d\d:\d\d \(Somewhere\/Zone\)$/);
    const offset = full.slice(23, 29);
    expect(Date.parse(`2026-12-03T14:05:09.120${offset}`)).toBe(at);
  });

  it("uses the event's timestamp, else when it was received", () => {
    expect(eventTime({ timestamp: "2026-12-03T10:00:00.000Z" }, 5)).toBe(Date.UTC(2026, 11, 3, 10));
    expect(eventTime({ timestamp: "not a date" }, 5)).toBe(5);
    expect(eventTime({}, 5)).toBe(5);
  });
});
