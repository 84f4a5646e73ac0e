import { describe, expect, it } from "vitest";
import { formatValue, summarizeChange } from "@/components/audit/summarize";

describe("audit change summary", () => {
  it("lists only changed keys as before → after", () => {
    expect(
      summarizeChange({ role: "read_only", labels: ["dev"] }, { role: "source_admin", labels: ["dev"] }),
    ).toEqual([{ key: "role", before: "read_only", after: "source_admin" }]);
  });

  it("shows a null label scope as every label", () => {
    expect(summarizeChange({ labels: ["dev", "prod"] }, { labels: null })).toEqual([
      { key: "labels", before: "dev, prod", after: "all labels" },
    ]);
  });

  it("keeps one side for creations and deletions", () => {
    expect(summarizeChange(undefined, { name: "Site", environment: "dev" })).toEqual([
      { key: "name", after: "Site" },
      { key: "environment", after: "dev" },
    ]);
    expect(summarizeChange({ role: "owner" }, null)).toEqual([{ key: "role", before: "owner" }]);
    expect(summarizeChange(null, null)).toEqual([]);
  });

  it("leaves out what is empty on both sides and empty keys of a creation", () => {
    expect(summarizeChange({ name: "Hook", headers: [] }, { name: "Hook", headers: null })).toEqual([]);
    expect(summarizeChange(undefined, { name: "Hook", "settings.headers": [], websiteUrl: "" })).toEqual([
      { key: "name", after: "Hook" },
    ]);
    // A secret marker appears as it is, never the value: "(changed)", not what it changed to.
    expect(
      summarizeChange(
        { "settings.signingSecret": "(set)", "settings.headers": "(unchanged)" },
        { "settings.signingSecret": "(changed)", "settings.headers": "(unchanged)" },
      ),
    ).toEqual([{ key: "settings.signingSecret", before: "(set)", after: "(changed)" }]);
    // A value that was emptied is still a change.
    expect(summarizeChange({ websiteUrl: "https://a.example" }, { websiteUrl: null })).toEqual([
      { key: "websiteUrl", before: "https://a.example", after: "none" },
    ]);
  });

  it("keeps long values short", () => {
    expect(formatValue("x", "a".repeat(200))).toHaveLength(60);
    expect(formatValue("settings", { a: 1 })).toBe('{"a":1}');
  });
});
