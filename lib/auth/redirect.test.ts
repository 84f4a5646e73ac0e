import { describe, expect, it } from "vitest";
import { safeCallbackPath, sameOriginRedirect } from "@/lib/auth/redirect";

const PUBLIC = "https://cdp.example.com";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackPath("/invite/abc?x=1#top", PUBLIC)).toBe("/invite/abc?x=1#top");
    expect(safeCallbackPath("/welcome")).toBe("/welcome");
    expect(safeCallbackPath(`${PUBLIC}/acme/sources`, PUBLIC)).toBe("/acme/sources");
  });

  it.each([
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "http://cdp.example.com.evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    "///evil.example",
  ])("refuses %j", (value) => {
    expect(safeCallbackPath(value, PUBLIC)).toBe("/");
  });

  it("refuses non-strings", () => {
    expect(safeCallbackPath(undefined)).toBe("/");
    expect(safeCallbackPath(["/a"])).toBe("/");
  });
});

describe("sameOriginRedirect (next-auth callback)", () => {
  it("never leaves the console's origin", () => {
    expect(sameOriginRedirect({ url: "//evil.example/x", baseUrl: PUBLIC })).toBe(`${PUBLIC}/`);
    expect(sameOriginRedirect({ url: "https://evil.example/x", baseUrl: PUBLIC })).toBe(`${PUBLIC}/`);
    expect(sameOriginRedirect({ url: "/acme", baseUrl: PUBLIC })).toBe(`${PUBLIC}/acme`);
    expect(sameOriginRedirect({ url: `${PUBLIC}/acme?a=1`, baseUrl: PUBLIC })).toBe(`${PUBLIC}/acme?a=1`);
  });
});
