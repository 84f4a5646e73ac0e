import { describe, expect, it } from "vitest";
import { SECRET_MASK } from "@/lib/catalog/fields";
import type { SettingDecl } from "@/lib/functions/schema";
import { checkSettings, maskedSettings } from "@/lib/functions/settings";

// An instance's values for its function's declared settings: types, required ones, secrets kept
// apart and masked, the mask posted back keeping the stored value, and typos refused.

const decl = (d: Partial<SettingDecl> & Pick<SettingDecl, "name">): SettingDecl => ({
  label: "",
  type: "string",
  description: "",
  required: false,
  secret: false,
  ...d,
});
const DECLS = [
  decl({ name: "url", required: true }),
  decl({ name: "apiKey", secret: true, required: true }),
  decl({ name: "batch", type: "number" }),
  decl({ name: "debug", type: "boolean" }),
];

describe("instance settings", () => {
  it("splits secret values from public ones and coerces form strings", () => {
    const r = checkSettings(DECLS, { url: "https://x.test", apiKey: "k-123456", batch: "20", debug: "true" });
    expect(r).toEqual({
      ok: true,
      public: { url: "https://x.test", batch: 20, debug: true },
      secrets: { apiKey: "k-123456" },
    });
  });

  it("names every missing required, mistyped or undeclared setting", () => {
    const r = checkSettings(DECLS, { batch: "many", debug: "maybe", typo: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.path).sort()).toEqual(
        ["settings.apiKey", "settings.batch", "settings.debug", "settings.typo", "settings.url"].sort(),
      );
  });

  it("keeps a stored secret when the mask is posted back, and keeps omitted values", () => {
    const stored = { url: "https://x.test", apiKey: "k-123456", batch: 5 };
    const r = checkSettings(DECLS, { apiKey: SECRET_MASK, debug: false }, stored);
    expect(r).toEqual({
      ok: true,
      public: { url: "https://x.test", batch: 5, debug: false },
      secrets: { apiKey: "k-123456" },
    });
  });

  it("shows secrets only as the mask", () => {
    expect(maskedSettings(DECLS, { url: "https://x.test" }, ["apiKey"])).toEqual({
      url: "https://x.test",
      apiKey: SECRET_MASK,
    });
    expect(maskedSettings(DECLS, { url: "https://x.test", apiKey: "leaked" }, [])).toEqual({
      url: "https://x.test",
    });
  });
});
