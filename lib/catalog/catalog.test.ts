import { describe, expect, it } from "vitest";
import {
  DESTINATION_CATEGORIES,
  DESTINATION_TYPES,
  destinationCatalog,
  getDestinationType,
  maskSettings,
  mergeSettingsUpdate,
  resolveEndpoint,
  SOURCE_TYPES,
  secretKeys,
  sourceCategoryNote,
  sourceTypesForUseCaseCategory,
  splitSecrets,
  validateSettings,
} from "@/lib/catalog";

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const contexts = [
  { publicUrl: "https://cdp.example.com", writeKey: "wk_Zx81Qp3LmN7" },
  { publicUrl: "http://localhost:3000", writeKey: "dev-key-42" },
  { publicUrl: "https://example.org/switchyard/", writeKey: "wk_prefixed" },
];

describe("source catalog", () => {
  it("has the twelve source types with kebab-case ids", () => {
    expect(SOURCE_TYPES.map((s) => s.id)).toEqual([
      "website",
      "ios",
      "android",
      "react-native",
      "node",
      "python",
      "php",
      "ruby",
      "go",
      "java",
      "http-api",
      "pixel",
    ]);
    for (const s of SOURCE_TYPES) expect(s.id).toMatch(kebab);
  });

  it.each(SOURCE_TYPES.map((s) => [s.id, s] as const))(
    "%s snippets carry the write key and public URL",
    (_, s) => {
      for (const ctx of contexts) {
        const snippets = s.installSnippet(ctx);
        expect(snippets.length).toBeGreaterThan(0);
        for (const sn of snippets) expect(sn.code.trim()).not.toBe("");
        const all = snippets.map((sn) => sn.code).join("\n");
        expect(all).toContain(ctx.writeKey);
        expect(all).toContain(ctx.publicUrl.replace(/\/$/, ""));
        expect(all).not.toContain("api.segment.io");
      }
    },
  );

  it("points each library's host option at this server", () => {
    const ctx = contexts[0];
    const code = (id: string) =>
      SOURCE_TYPES.find((s) => s.id === id)!
        .installSnippet(ctx)
        .map((s) => s.code)
        .join("\n");
    expect(code("website")).toContain('apiHost: "cdp.example.com/v1", protocol: "https"');
    expect(code("website")).toContain('cdnURL: "https://cdp.example.com"');
    expect(code("node")).toContain(
      'new Analytics({ writeKey: "wk_Zx81Qp3LmN7", host: "https://cdp.example.com" })',
    );
    expect(code("python")).toContain("analytics.host = 'https://cdp.example.com'");
    expect(code("ios")).toContain('.apiHost("cdp.example.com/v1")');
    expect(code("android")).toContain('apiHost = "cdp.example.com/v1"');
    expect(code("go")).toContain('Endpoint: "https://cdp.example.com"');
    expect(code("http-api")).toContain("-u 'wk_Zx81Qp3LmN7:'");
    expect(code("php")).toContain("'host' => 'cdp.example.com'");
  });

  it("uses the call style it declares", () => {
    for (const s of SOURCE_TYPES.filter((t) => t.callStyle === "browser")) {
      const code = s
        .installSnippet(contexts[0])
        .map((x) => x.code)
        .join("\n");
      expect(code, s.id).toMatch(/\.track\((name: )?"Order Completed"/);
    }
    for (const id of ["node", "python", "php", "ruby"]) {
      const code = SOURCE_TYPES.find((t) => t.id === id)!
        .installSnippet(contexts[0])
        .map((x) => x.code)
        .join("\n");
      expect(code, id).toMatch(/track\(\s*\{?\s*\[?\s*['"]?user_?[iI]d/);
    }
  });

  it("reads a bare host as https and never throws on odd public URLs", () => {
    const node = SOURCE_TYPES.find((s) => s.id === "node")!;
    expect(node.installSnippet({ publicUrl: "cdp.example.com", writeKey: "k" })[1].code).toContain(
      'host: "https://cdp.example.com"',
    );
    for (const s of SOURCE_TYPES)
      expect(() => s.installSnippet({ publicUrl: "", writeKey: "k" })).not.toThrow();
  });

  it("encodes the pixel payload as base64 JSON with the write key inside", () => {
    const pixel = SOURCE_TYPES.find((s) => s.id === "pixel")!;
    const html = pixel.installSnippet(contexts[0])[0].code;
    const data = /\/v1\/pixel\/track\?data=([^"]+)"/.exec(html)?.[1];
    expect(data).toBeDefined();
    const decoded = JSON.parse(Buffer.from(decodeURIComponent(data!), "base64").toString("utf8"));
    expect(decoded).toMatchObject({ writeKey: contexts[0].writeKey, event: "Email Opened" });
  });

  it("maps use-case source categories, explaining the missing ones", () => {
    expect(sourceTypesForUseCaseCategory("Website").map((s) => s.id)).toEqual(["website"]);
    expect(sourceTypesForUseCaseCategory("Mobile").map((s) => s.id)).toEqual([
      "ios",
      "android",
      "react-native",
    ]);
    expect(sourceTypesForUseCaseCategory("Server")).toHaveLength(6);
    for (const cat of ["Reverse ETL", "Advertising"]) {
      expect(sourceTypesForUseCaseCategory(cat)).toEqual([]);
      expect(sourceCategoryNote(cat)?.alternatives.length).toBeGreaterThan(0);
    }
    expect(sourceTypesForUseCaseCategory("Nonsense")).toEqual([]);
  });
});

describe("destination catalog", () => {
  it("covers every category", () => {
    for (const { category, types } of destinationCatalog()) expect(types.length, category).toBeGreaterThan(0);
    for (const t of DESTINATION_TYPES) expect(DESTINATION_CATEGORIES).toContain(t.category);
  });

  it("includes the required destinations", () => {
    for (const id of [
      "webhook",
      "http-tracking-api",
      "amplitude",
      "mixpanel",
      "posthog",
      "google-analytics-4",
      "slack",
    ]) {
      expect(getDestinationType(id), id).toBeDefined();
    }
    expect(getDestinationType("nope")).toBeUndefined();
  });

  describe.each(DESTINATION_TYPES.map((t) => [t.id, t] as const))("%s", (id, type) => {
    it("is well formed", () => {
      expect(id).toMatch(kebab);
      expect(type.supportedTypes.length).toBeGreaterThan(0);
      expect(type.fields.map((f) => f.key)).toEqual(Object.keys(type.settings.shape));
      const endpoint = type.fields.find((f) => f.key === type.endpointField);
      // A warehouse connects to a host and port (checked by the same address policy), not a URL.
      if (type.warehouse) expect(endpoint?.kind).toBe("text");
      else expect(endpoint?.kind === "url" || (endpoint?.kind === "password" && endpoint.secret)).toBe(true);
      if (id !== "webhook" && id !== "slack" && !type.warehouse) expect(type.endpointField).toBe("baseUrl");
      if (type.warehouse)
        expect(type.fields.find((f) => f.key === type.warehouse?.portField)?.routing).toBe(true);
      for (const f of type.fields) if (f.kind === "password") expect(f.secret, f.key).toBe(true);
      // What decides where requests go is declared, so a URL change cannot carry secrets away.
      expect(endpoint?.routing, `${type.endpointField} must be marked routing`).toBe(true);
      if (type.regions) {
        const select = type.fields.find((f) => f.key === type.regions?.field);
        expect(select?.options?.map((o) => o.value).sort()).toEqual(Object.keys(type.regions.urls).sort());
        expect(select?.routing, `${type.regions.field} must be marked routing`).toBe(true);
      }
    });

    it("accepts its documented example and resolves an http(s) endpoint", () => {
      const result = validateSettings(id, type.example);
      expect(result).toMatchObject({ ok: true });
      if (result.ok && type.warehouse) expect(resolveEndpoint(id, result.settings)).toBe(type.example.host);
      else if (result.ok) expect(resolveEndpoint(id, result.settings)).toMatch(/^https?:\/\/[^/]+/);
    });

    it("rejects a bad URL with the field key as path", () => {
      for (const bad of ["not a url", "ftp://files.example.com", "javascript:alert(1)"]) {
        const result = validateSettings(id, { ...type.example, [type.endpointField]: bad });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(type.endpointField);
      }
    });

    it("rejects each missing required field with its key as path", () => {
      for (const f of type.fields.filter((x) => x.required)) {
        for (const missing of [undefined, ""]) {
          const input = { ...type.example, [f.key]: missing };
          const result = validateSettings(id, input);
          expect(result.ok, f.key).toBe(false);
          if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(f.key);
        }
      }
    });

    it("round-trips split, mask and merge without leaking secrets", () => {
      const parsed = validateSettings(id, type.example);
      if (!parsed.ok) throw new Error("example invalid");
      const full = parsed.settings;
      const { public: pub, secrets } = splitSecrets(id, full);
      expect(Object.keys(secrets).every((k) => secretKeys(id).includes(k))).toBe(true);
      const present = new Set(Object.keys(secrets));
      for (const view of [maskSettings(id, pub, present), maskSettings(id, full, present)]) {
        const json = JSON.stringify(view);
        for (const value of secretStrings(secrets)) expect(json).not.toContain(value);
        for (const key of present) expect(view[key]).toBeDefined();
        // Posting the masked view back unchanged keeps every stored value.
        const merged = validateSettings(id, mergeSettingsUpdate(id, full, view));
        expect(merged).toEqual({ ok: true, settings: full });
      }
      // Omitting everything keeps everything, too.
      expect(validateSettings(id, mergeSettingsUpdate(id, full, {}))).toEqual({ ok: true, settings: full });
    });
  });
});

function secretStrings(secrets: Record<string, unknown>): string[] {
  return Object.values(secrets).flatMap((v) =>
    typeof v === "string"
      ? [v]
      : Array.isArray(v)
        ? v.map((h) => String((h as { value: unknown }).value))
        : [],
  );
}
