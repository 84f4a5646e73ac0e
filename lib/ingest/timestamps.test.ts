import { describe, expect, it } from "vitest";
import { normalizedTimestamp, parseTimestamp } from "./timestamps";

describe("lenient ISO-8601 (issue 15, item 7)", () => {
  it.each([
    ["2024-05-01T12:00:00.000Z", "2024-05-01T12:00:00.000Z"],
    ["2015-2-02T00:30:08.276Z", "2015-02-02T00:30:08.276Z"], // Segment's own documentation example
    ["2024-5-1T9:05", "2024-05-01T09:05:00.000Z"],
    ["2024-05-01", "2024-05-01T00:00:00.000Z"],
    ["2024-05-01 12:00:05,123456789", "2024-05-01T12:00:05.123Z"],
    ["2024-05-01T12:00:00+02", "2024-05-01T10:00:00.000Z"],
    ["2024-05-01T12:00:00-0130", "2024-05-01T13:30:00.000Z"],
    ["2024-05-01t12:00:00+02:00", "2024-05-01T10:00:00.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
  ])("%s → %s", (text, iso) => {
    expect(normalizedTimestamp(text)).toBe(iso);
  });

  it("takes a time without a zone as UTC, whatever the server's zone", () => {
    expect(parseTimestamp("2024-05-01T12:00:00")).toBe(Date.UTC(2024, 4, 1, 12));
  });

  it.each([
    "yesterday",
    "1700000000",
    "2024/05/01",
    "24-05-01",
    "2024-13-01",
    "2024-00-10",
    "2023-02-29",
    "2024-04-31",
    "2024-05-01T24:00",
    "2024-05-01T12:60",
    "2024-05-01T12:00:61",
    "2024-05-01T12:00:00+25:00",
    "2024-05-01Z",
    "2024-05-01T12:00:00.1234567890Z",
    " 2024-05-01",
    "2024-05-01T12",
  ])("refuses %j", (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it("refuses what is not a string", () => {
    expect(parseTimestamp(1714564800000)).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
  });
});
