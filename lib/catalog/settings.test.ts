import { describe, expect, it } from "vitest";
import {
  getDestinationType,
  maskSettings,
  mergeSettingsUpdate,
  resolveEndpoint,
  SECRET_MASK,
  splitSecrets,
  validateSettings,
} from "@/lib/catalog";

// Settings behaviour beyond the per-type round trip in catalog.test.ts: partial updates, secret
// headers, header validation and form coercion.

describe("destination settings", () => {
  it("replaces, keeps and clears secrets on update", () => {
    const prev = validateSettings("webhook", getDestinationType("webhook")!.example);
    if (!prev.ok) throw new Error("example invalid");
    const next = mergeSettingsUpdate("webhook", prev.settings, {
      url: "https://hooks.example.com/v2",
      signingSecret: "",
      headers: [
        { key: "authorization", value: SECRET_MASK },
        { key: "X-Env", value: "prod" },
      ],
    });
    expect(next).toMatchObject({
      url: "https://hooks.example.com/v2",
      headers: [
        { key: "authorization", value: "Bearer 7d9f2c4a" },
        { key: "X-Env", value: "prod" },
      ],
    });
    expect(next).not.toHaveProperty("signingSecret");
    expect(validateSettings("webhook", next).ok).toBe(true);

    const amp = mergeSettingsUpdate(
      "amplitude",
      { apiKey: "old-key", region: "us" },
      { apiKey: "new-key", region: "eu" },
    );
    expect(amp).toEqual({ apiKey: "new-key", region: "eu" });
    expect(resolveEndpoint("amplitude", amp)).toBe("https://api.eu.amplitude.com");
  });

  it("never stores the mask itself as a secret", () => {
    const created = mergeSettingsUpdate("amplitude", {}, { apiKey: SECRET_MASK });
    const result = validateSettings("amplitude", { ...created, apiKey: SECRET_MASK });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].path).toBe("apiKey");
  });

  it("shows secret header names but not their values", () => {
    const full = { url: "https://x.example.com", headers: [{ key: "X-Api-Key", value: "k-123456" }] };
    const { public: pub, secrets } = splitSecrets("webhook", full);
    expect(pub.headers).toEqual([{ key: "X-Api-Key" }]);
    expect(maskSettings("webhook", pub, new Set(Object.keys(secrets))).headers).toEqual([
      { key: "X-Api-Key", value: SECRET_MASK },
    ]);
    // Without the names, the whole list is masked and posting that back keeps it.
    const view = maskSettings("webhook", { url: full.url }, new Set(["headers"]));
    expect(view.headers).toBe(SECRET_MASK);
    expect(mergeSettingsUpdate("webhook", full, view).headers).toEqual(full.headers);
  });

  it("validates header names as HTTP tokens", () => {
    for (const key of ["Bad Header", "X-Ok:", "", "Content-Length"]) {
      const result = validateSettings("webhook", {
        url: "https://x.example.com",
        headers: [{ key, value: "v" }],
      });
      expect(result.ok, key).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.path)).toContain("headers.0.key");
    }
    const crlf = validateSettings("webhook", {
      url: "https://x.example.com",
      headers: [{ key: "X-A", value: "a\r\nInjected: 1" }],
    });
    expect(crlf.ok).toBe(false);
    if (!crlf.ok) expect(crlf.errors[0].path).toBe("headers.0.value");
  });

  it("coerces form values and applies defaults", () => {
    const r = validateSettings("webhook", {
      url: "https://x.example.com",
      batching: "true",
      batchSize: "25",
      signingSecret: "",
    });
    expect(r).toEqual({
      ok: true,
      settings: {
        url: "https://x.example.com",
        headers: [],
        batching: true,
        batchSize: 25,
        batchWindowSeconds: 10,
      },
    });
    const bad = validateSettings("webhook", { url: "https://x.example.com", batchSize: "5000" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].path).toBe("batchSize");
    const slack = validateSettings("slack", {
      webhookUrl: "https://hooks.slack.com/services/a/b/c",
      events: "A\nB, C",
    });
    expect(slack.ok && slack.settings.events).toEqual(["A", "B", "C"]);
  });

  it("throws on unknown destination types", () => {
    expect(() => splitSecrets("nope", {})).toThrow(/Unknown destination type/);
  });
});
