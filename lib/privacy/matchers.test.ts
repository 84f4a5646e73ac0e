import { describe, expect, it } from "vitest";
import {
  isCreditCard,
  isEmail,
  isPhone,
  isUsSsn,
  keyMatcher,
  luhnValid,
  MatcherSet,
  maskSample,
  valueMatcher,
} from "@/lib/privacy/matchers";

describe("built-in value matchers", () => {
  it("finds email addresses and not look-alikes", () => {
    for (const v of ["ada@example.com", "first.last+tag@mail.example.co.uk", "o'neil@ex-ample.org"])
      expect(isEmail(v), v).toBe(true);
    for (const v of ["@example.com", "ada@", "ada@localhost", "a@b@c.com", "ada at example.com", "v1.2@3.4"])
      expect(isEmail(v), v).toBe(false);
  });

  it("checks card numbers with Luhn: a valid test card matches, one digit off does not", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(isCreditCard("4111 1111 1111 1111")).toBe(true);
    expect(isCreditCard("5500-0000-0000-0004")).toBe(true);
    expect(isCreditCard("378282246310005")).toBe(true); // Amex, 15 digits
    expect(isCreditCard("4111111111111112")).toBe(false);
    expect(isCreditCard("0000000000000000")).toBe(false); // Luhn-valid but one repeated digit
    expect(isCreditCard("123456789012")).toBe(false); // too short
    expect(isCreditCard("4111-1111-1111-111a")).toBe(false);
  });

  it("finds US SSNs only in their written form and with valid areas", () => {
    expect(isUsSsn("123-45-6789")).toBe(true);
    expect(isUsSsn("123 45 6789")).toBe(true);
    for (const v of [
      "000-12-3456",
      "666-12-3456",
      "900-12-3456",
      "123-00-6789",
      "123-45-0000",
      "123456789",
      "123-456-789",
    ])
      expect(isUsSsn(v), v).toBe(false);
  });

  it("finds phone numbers, not dates, versions or short numbers", () => {
    for (const v of ["+1 (415) 555-2671", "415-555-2671", "+44 20 7946 0958", "4155552671"])
      expect(isPhone(v), v).toBe(true);
    for (const v of ["2024-01-15", "1.2.3", "555-2671", "12:30:45", "1111111111", "+1 415 555 2671 ext 9"])
      expect(isPhone(v), v).toBe(false);
  });

  it("names the most specific matcher for a value", () => {
    expect(valueMatcher("ada@example.com")).toBe("email");
    expect(valueMatcher("123-45-6789")).toBe("us_ssn");
    expect(valueMatcher("4111111111111111")).toBe("credit_card");
    expect(valueMatcher("+1 415 555 2671")).toBe("phone");
    expect(valueMatcher("203.0.113.7")).toBe("ip_address");
    expect(valueMatcher("2001:db8::1")).toBe("ip_address");
    expect(valueMatcher("Order Completed")).toBeNull();
    expect(valueMatcher("999.1.1.1")).toBeNull();
    expect(valueMatcher(`${"x".repeat(300)}@example.com`)).toBeNull();
  });
});

describe("key-name matchers", () => {
  it("finds names, addresses and secrets by key, whatever the case or separators", () => {
    expect(keyMatcher("firstName")).toBe("name");
    expect(keyMatcher("last_name")).toBe("name");
    expect(keyMatcher("street_address")).toBe("address");
    expect(keyMatcher("postalCode")).toBe("address");
    expect(keyMatcher("password")).toBe("secret");
    expect(keyMatcher("user_password_hash")).toBe("secret");
    expect(keyMatcher("api-key")).toBe("secret");
    expect(keyMatcher("client_secret")).toBe("secret");
    for (const k of ["plan", "product_name_id", "tokens_used", "username_length", "addresses_count"])
      expect(keyMatcher(k), k).toBeNull();
  });

  it("counts a bare 'name' as a person's only in a user's traits", () => {
    expect(keyMatcher("name", "traits.name")).toBe("name");
    expect(keyMatcher("name", "context.traits.name")).toBe("name");
    expect(keyMatcher("name", "context.library.name")).toBeNull();
    expect(keyMatcher("name", "properties.products.name")).toBeNull();
    expect(keyMatcher("first_name", "properties.first_name")).toBe("name");
  });
});

describe("custom matchers", () => {
  const set = new MatcherSet([
    {
      id: "m1",
      name: "Account numbers",
      keyPatterns: ["*_acct", "tax_id"],
      valuePatterns: ["ACCT-[0-9][0-9][0-9][0-9]*"],
      suggested: "yellow",
      enabled: true,
    },
    { id: "m2", name: "off", keyPatterns: ["plan"], valuePatterns: [], suggested: "red", enabled: false },
  ]);

  it("matches key globs case-insensitively and value globs as written, before built-ins", () => {
    expect(set.match("Bank_ACCT", 12)).toEqual({ matcher: "custom:m1", suggested: "yellow" });
    expect(set.match("tax_id", "x")).toEqual({ matcher: "custom:m1", suggested: "yellow" });
    expect(set.match("ref", "ACCT-12345")).toEqual({ matcher: "custom:m1", suggested: "yellow" });
    expect(set.match("ref", "acct-12345")).toBeNull();
    expect(set.match("plan", "pro")).toBeNull(); // disabled matcher
    expect(set.match("email", "ada@example.com")).toEqual({ matcher: "email", suggested: "red" });
  });

  it("stays fast on a pathological value (linear glob, no backtracking)", () => {
    const evil = new MatcherSet([
      {
        id: "e",
        name: "e",
        keyPatterns: [],
        valuePatterns: ["*a*a*a*a*a*a*a*b"],
        suggested: "red",
        enabled: true,
      },
    ]);
    expect(evil.match("k", "a".repeat(256))).toBeNull();
  });
});

describe("samples", () => {
  it("masks what the inbox stores", () => {
    expect(maskSample("ada@example.com")).toBe("a•••@e••••••.com");
    expect(maskSample("4111111111111111")).toBe("••••••••••••1111");
    expect(maskSample("Ada")).toBe("••••");
    expect(maskSample(42)).toBe("number");
  });
});
