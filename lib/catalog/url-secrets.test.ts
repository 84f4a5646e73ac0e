import { describe, expect, it } from "vitest";
import {
  changedRoutingFields,
  isSecretQueryParam,
  maskSettings,
  maskUrl,
  mergeSettingsUpdate,
  SECRET_MASK,
  secretsNotReentered,
  splitSecrets,
  urlCredentials,
  validateSettings,
} from "@/lib/catalog";

// Credentials inside URLs are secrets, and routing settings decide where secrets may go.

const M = SECRET_MASK;

describe("credentials in URLs", () => {
  it("recognises secret query parameters by their words", () => {
    for (const name of [
      "token",
      "access_token",
      "api_key",
      "apiKey",
      "x-api-key",
      "key",
      "secret",
      "client_secret",
      "password",
      "sig",
      "signature",
      "X-Amz-Signature",
      "X-Amz-Security-Token",
      "code",
      "hapikey",
      "accesstoken",
      "auth",
    ])
      expect(isSecretQueryParam(name), name).toBe(true);
    for (const name of ["team", "monkey", "keyword", "channel", "region", "format", "q", "signed_up"])
      expect(isSecretQueryParam(name), name).toBe(false);
  });

  it("masks userinfo and secret query values, and nothing else", () => {
    expect(maskUrl("https://hook:pa55word@hooks.example.com/in?token=abc&team=7")).toBe(
      `https://${M}:${M}@hooks.example.com/in?token=${M}&team=7`,
    );
    expect(maskUrl("https://sk_live_1@api.example.com/")).toBe(`https://${M}@api.example.com/`);
    expect(maskUrl("https://hooks.example.com/in?team=7")).toBe("https://hooks.example.com/in?team=7");
    expect(maskUrl("not a url")).toBe("not a url");
    const masked = maskUrl("https://a:b@x.example/?sig=1");
    expect(maskUrl(masked)).toBe(masked);
    expect(urlCredentials("https://u%40x:p%2Fw@x.example/?api_key=k1&sig=&q=1")).toEqual([
      "u@x",
      "p/w",
      "k1",
    ]);
  });

  it("stores a URL with credentials sealed and shows it masked to everyone", () => {
    const full = { url: "https://user:hunter2@hooks.example.com/in?token=t0k3n&team=7", headers: [] };
    const { public: pub, secrets } = splitSecrets("webhook", full);
    expect(pub.url).toBe(`https://${M}:${M}@hooks.example.com/in?token=${M}&team=7`);
    expect(secrets.url).toBe(full.url);
    expect(JSON.stringify(pub)).not.toMatch(/hunter2|t0k3n/);
    // Rows saved before this rule kept the URL in the public settings: the view masks it too.
    expect(maskSettings("webhook", full, new Set()).url).toBe(pub.url);
    // Posting the masked URL back keeps the stored one; an edited URL must carry new credentials.
    expect(mergeSettingsUpdate("webhook", full, { url: pub.url }).url).toBe(full.url);
    const edited = mergeSettingsUpdate("webhook", full, { url: String(pub.url).replace("/in", "/v2") });
    const result = validateSettings("webhook", edited);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({ path: "url", message: /Re-enter the credentials/ });
  });
});

describe("routing settings", () => {
  const hook = {
    url: "https://hooks.example.com/in",
    headers: [{ key: "Authorization", value: "Bearer owner" }],
    signingSecret: "whsec_owner",
    batching: false,
    batchSize: 100,
    batchWindowSeconds: 10,
  };

  it("notices a changed URL, base URL or region, and ignores spelling and other settings", () => {
    expect(changedRoutingFields("webhook", hook, { ...hook, url: "https://evil.example/in" })).toEqual([
      "url",
    ]);
    expect(changedRoutingFields("webhook", hook, { ...hook, url: "https://HOOKS.example.com/in" })).toEqual(
      [],
    );
    expect(changedRoutingFields("webhook", hook, { ...hook, batchSize: 5 })).toEqual([]);
    const amp = { apiKey: "k", region: "us", minIdLength: 5 };
    expect(changedRoutingFields("amplitude", amp, { ...amp, baseUrl: "https://proxy.example" })).toEqual([
      "baseUrl",
    ]);
    expect(changedRoutingFields("amplitude", amp, { ...amp, region: "eu" })).toEqual(["region"]);
    const posthog = { apiKey: "phc_1", baseUrl: "https://eu.i.posthog.com" };
    expect(changedRoutingFields("posthog", posthog, { apiKey: "phc_1" })).toEqual(["baseUrl"]);
  });

  it("names every stored secret that was not typed again", () => {
    const posted = { url: "https://evil.example/in", headers: [{ key: "Authorization", value: M }] };
    const next = mergeSettingsUpdate("webhook", hook, posted);
    expect(secretsNotReentered("webhook", hook, posted, next).map((f) => f.key)).toEqual([
      "headers",
      "signingSecret",
    ]);
    const fresh = {
      url: "https://evil.example/in",
      headers: [{ key: "Authorization", value: "Bearer mine" }],
      signingSecret: "",
    };
    expect(secretsNotReentered("webhook", hook, fresh, mergeSettingsUpdate("webhook", hook, fresh))).toEqual(
      [],
    );
    // Credentials in the URL itself count as secrets of the destination.
    const withCreds = { ...hook, url: "https://u:p4ss@hooks.example.com/in" };
    const region = { url: `https://${M}:${M}@hooks.example.com/in`, signingSecret: "x", headers: [] };
    expect(
      secretsNotReentered(
        "webhook",
        withCreds,
        region,
        mergeSettingsUpdate("webhook", withCreds, region),
      ).map((f) => f.key),
    ).toEqual(["url"]);
  });
});
