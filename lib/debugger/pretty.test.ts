import { describe, expect, it } from "vitest";
import { libraryStyle, prettyCall, summarize } from "@/lib/debugger/pretty";

const browser = { context: { library: { name: "analytics.js", version: "next-1.84.3" } } };
const node = { context: { library: { name: "@segment/analytics-node", version: "3.1.0" } } };

describe("prettyCall", () => {
  it("writes browser calls positionally", () => {
    const m = { ...browser, type: "track", event: "Signed Up", properties: { plan: "Enterprise" } };
    expect(prettyCall(m).code).toBe('analytics.track("Signed Up", {\n  "plan": "Enterprise"\n});');
    expect(prettyCall({ ...browser, type: "identify", userId: "u1", traits: { email: "a@b.c" } }).code).toBe(
      'analytics.identify("u1", {\n  "email": "a@b.c"\n});',
    );
    expect(prettyCall({ ...browser, type: "page", name: "Pricing", category: "Docs" }).code).toBe(
      'analytics.page("Docs", "Pricing");',
    );
    expect(prettyCall({ ...browser, type: "alias", userId: "new", previousId: "old" }).code).toBe(
      'analytics.alias("new", "old");',
    );
  });

  it("writes server libraries in their object form", () => {
    const m = { ...node, type: "track", userId: "u1", event: "Order Completed", properties: { total: 12 } };
    const { style, code } = prettyCall(m);
    expect(style).toBe("node");
    expect(code).toContain("analytics.track({");
    expect(code).toContain('"userId": "u1"');
    expect(code).toContain('"event": "Order Completed"');
    expect(code).not.toContain("context");
  });

  it("uses keyword arguments for Python and falls back to HTTP JSON for unknown libraries", () => {
    const py = {
      context: { library: { name: "analytics-python" } },
      type: "identify",
      userId: "u1",
      traits: { vip: true },
    };
    expect(prettyCall(py).code).toContain("user_id=");
    expect(prettyCall(py).code).toContain("True");
    expect(prettyCall({ type: "screen", userId: "u", name: "Home" }).code.startsWith("POST /v1/screen")).toBe(
      true,
    );
  });

  it("detects the library style from context.library", () => {
    expect(libraryStyle(browser)).toBe("browser");
    expect(libraryStyle({ context: { library: { name: "analytics-ruby" } } })).toBe("ruby");
    expect(libraryStyle({})).toBe("http");
  });
});

describe("summarize", () => {
  it("summarises each call type", () => {
    expect(summarize({ type: "track", event: "Clicked" })).toBe("Clicked");
    expect(summarize({ type: "page", name: "Home" })).toBe("Home");
    expect(summarize({ type: "identify", traits: { a: 1, b: 2, c: 3, d: 4 } })).toBe("a, b, c +1");
    expect(summarize({ type: "alias", userId: "n", previousId: "o" })).toBe("o → n");
  });
});
