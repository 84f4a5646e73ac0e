import { describe, expect, it } from "vitest";
import { auditChange, auditCreated, type DestinationState } from "./redact";

const base: DestinationState = {
  name: "Hook",
  enabled: false,
  sources: ["Site"],
  public: { url: "https://example.com/in", headers: [{ key: "Authorization" }], batching: false },
  secrets: { headers: [{ key: "Authorization", value: "Bearer s3cret" }], signingSecret: "whsec_abc" },
};

describe("destination audit redaction", () => {
  it("records a creation with markers instead of secrets", () => {
    const after = auditCreated("webhook", base);
    expect(after).toMatchObject({
      name: "Hook",
      "settings.url": "https://example.com/in",
      "settings.headers": "(set)",
      "settings.signingSecret": "(set)",
    });
    expect(JSON.stringify(after)).not.toMatch(/s3cret|whsec_abc/);
  });

  it("marks unchanged, changed and removed secrets", () => {
    const next: DestinationState = {
      ...base,
      enabled: true,
      secrets: { headers: base.secrets.headers },
    };
    const { before, after } = auditChange("webhook", base, {
      ...next,
      secrets: { ...next.secrets, signingSecret: "whsec_new" },
    });
    expect(before["settings.headers"]).toBe("(unchanged)");
    expect(after["settings.headers"]).toBe("(unchanged)");
    expect(before["settings.signingSecret"]).toBe("(set)");
    expect(after["settings.signingSecret"]).toBe("(changed)");
    expect(after.enabled).toBe(true);
    expect(JSON.stringify({ before, after })).not.toMatch(/s3cret|whsec_/);

    const removed = auditChange("webhook", base, next);
    expect(removed.after["settings.signingSecret"]).toBe("(removed)");
  });

  it("adds a marker for a secret set for the first time", () => {
    const { before, after } = auditChange(
      "webhook",
      { ...base, secrets: {} },
      { ...base, secrets: { signingSecret: "x" } },
    );
    expect(before["settings.signingSecret"]).toBeUndefined();
    expect(after["settings.signingSecret"]).toBe("(set)");
  });

  it("does not call an empty secret set (a webhook saved without headers)", () => {
    const none: DestinationState = {
      ...base,
      public: { url: "https://example.com/in" },
      secrets: { headers: [], signingSecret: "" },
    };
    const created = auditCreated("webhook", none);
    expect(created["settings.headers"]).toBeUndefined();
    expect(created["settings.signingSecret"]).toBeUndefined();
    // Saving it again with headers still empty changes nothing about secrets.
    const same = auditChange("webhook", none, { ...none, enabled: true });
    expect(same.before["settings.headers"]).toBeUndefined();
    expect(same.after["settings.headers"]).toBeUndefined();
    // Clearing the headers of a destination that had some is a removal, not a change.
    const cleared = auditChange("webhook", base, { ...base, secrets: { ...base.secrets, headers: [] } });
    expect(cleared.before["settings.headers"]).toBe("(set)");
    expect(cleared.after["settings.headers"]).toBe("(removed)");
  });

  it("records a URL with credentials masked, and its credentials as markers", () => {
    const withCreds = (url: string): DestinationState => ({
      ...base,
      public: { ...base.public, url: url.replace(/\/\/[^@]+@/, "//••••••@") },
      secrets: { ...base.secrets, url },
    });
    const created = auditCreated("webhook", withCreds("https://hook:pa55@hooks.example.com/in?token=t0k"));
    expect(created["settings.url.credentials"]).toBe("(set)");
    expect(JSON.stringify(created)).not.toMatch(/pa55|t0k/);
    const rotated = auditChange(
      "webhook",
      withCreds("https://hook:pa55@hooks.example.com/in?token=t0k"),
      withCreds("https://hook:n3w@hooks.example.com/in?token=t0k"),
    );
    expect(rotated.after["settings.url.credentials"]).toBe("(changed)");
    // A row saved before URL credentials were sealed keeps them in its public settings: still masked.
    const legacy = auditChange(
      "webhook",
      { ...base, public: { ...base.public, url: "https://hook:pa55@old.example.com/?api_key=k3y" } },
      base,
    );
    expect(JSON.stringify(legacy)).not.toMatch(/pa55|k3y/);
  });
});
