import { describe, expect, it } from "vitest";
import { blockedBy, consentDecision } from "@/lib/privacy/policy";

const withPrefs = (prefs: unknown) => ({ context: { consent: { categoryPreferences: prefs } } });

describe("consent decision", () => {
  it("needs every category of the destination granted with true", () => {
    const cats = ["Advertising", "Analytics"];
    expect(
      consentDecision(withPrefs({ Advertising: true, Analytics: true, Other: false }), cats, false),
    ).toEqual({ ok: true });
    expect(consentDecision(withPrefs({ Advertising: "true", Analytics: true }), cats, false).ok).toBe(false);
    expect(consentDecision(withPrefs({ Analytics: true }), cats, false)).toEqual({
      ok: false,
      reason: 'No consent for "Advertising" (the destination needs "Advertising", "Analytics")',
    });
  });

  it("applies the source's setting only when the event has no preferences object", () => {
    for (const message of [
      {},
      { context: {} },
      { context: { consent: {} } },
      withPrefs(null),
      withPrefs(["Advertising"]),
    ]) {
      expect(consentDecision(message, ["Advertising"], false)).toEqual({ ok: true });
      expect(consentDecision(message, ["Advertising"], true).ok).toBe(false);
    }
    expect(consentDecision(withPrefs({}), ["Advertising"], false).ok).toBe(false); // present but empty: nothing granted
  });

  it("does not check destinations without categories", () => {
    expect(consentDecision(withPrefs({ Advertising: false }), [], true)).toEqual({ ok: true });
  });
});

describe("policies", () => {
  it("remove Red for no_red, Red and Yellow for only_green, nothing for all", () => {
    expect((["red", "yellow", "green"] as const).map((c) => blockedBy("all", c))).toEqual([
      false,
      false,
      false,
    ]);
    expect((["red", "yellow", "green"] as const).map((c) => blockedBy("no_red", c))).toEqual([
      true,
      false,
      false,
    ]);
    expect((["red", "yellow", "green"] as const).map((c) => blockedBy("only_green", c))).toEqual([
      true,
      true,
      false,
    ]);
  });
});
